"""Limits on what one request may ask of the engine (files, tables, runs), in one place.

Every limit is checked *before* the expensive step (while a file is read, before a run starts) and
refused with a message that names the limit and the file or parameter. They are sized so that a
county-level index -- about 3,000 regions × 50 indicators × 10 years, a wide CSV of about 12 MB --
works on every page and command (measured in ``benchmarks/README.md``), while a small hostile file
cannot take the server's memory or minutes of its time.
"""

#: Largest data or framework file read (bytes). Streamlit's own upload limit (``.streamlit/config.toml``,
#: ``server.maxUploadSize``) is lower (20 MB); this one also bounds the command line.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Largest total size an .xlsx may unpack to (its zip directory is read first).
MAX_UNPACKED_BYTES = 80 * 1024 * 1024
#: Rows of a table (long layout: one per region, year and indicator).
MAX_ROWS = 2_000_000
#: Columns of a table (wide layout: region, year and one per indicator, plus notes).
MAX_COLUMNS = 1_000
#: Cells of a table (rows × columns) while it is read.
MAX_CELLS = 20_000_000
#: Characters in one header, name or text cell.
MAX_TEXT = 500
#: Regions of a data set.
MAX_REGIONS = 5_000
#: Indicators of a data set.
MAX_INDICATORS = 500
#: Years of a data set.
MAX_YEARS = 60
#: Values of a data set: regions × indicators × years (a county index is 1.5 million).
MAX_VALUES = 5_000_000
#: Largest magnitude of one value (data, edited or projected). Far above any statistic in its usual
#: units (China's GDP in yuan is about 1.3e14), far below where min-max ranges, squares and sums
#: overflow (±1e308 made min-max divide inf by inf and score NaN).
MAX_ABS_VALUE = 1e18
#: Monte Carlo / Sobol replications of one run, and replications × regions.
MAX_SAMPLES = 1_000_000
MAX_SAMPLE_CELLS = 200_000_000
