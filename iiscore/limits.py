"""Limits on what one request may ask of the engine (files, tables, runs), in one place.

Every limit is checked *before* the expensive step (while a file is read, before a run starts) and
refused with a message that names the limit and the file or parameter. They are sized so that a
county-level index -- about 3,000 regions × 50 indicators × 10 years, a wide CSV of about 10 MB,
a workbook of 56 MB unpacked -- works on every page and command (measured in
``benchmarks/README.md``, ``benchmarks/bench_scale.py``), while a small hostile file cannot take
the server's memory or minutes of its time (``tests/test_attacks.py``).

=====================  ===========  =======================================  =================
limit                  value        checked                                  county index
=====================  ===========  =======================================  =================
file size              50 MB        before reading (regular files only)      10 MB (CSV)
workbook unpacked      80 MB        from the zip directory, before parsing   56 MB (XLSX)
rows                   2,000,000    while reading                            30,000 (wide)
columns                1,000        from the header line                     52
cells                  20,000,000   rows read only up to cells / columns     1.6 million
text of a cell/header  500 chars    while reading                            -
regions                5,000        before the values are parsed             3,000
indicators             500          before the values are parsed             50
years                  60           before the values are parsed             10
values                 5,000,000    regions × indicators × years             1.5 million
one value's magnitude  1e18         while parsing; edits and projections     -
replications           1,000,000    before a run; × regions <= 200 million   66,666 allowed
BoD regions            500          before the linear programmes             left out, noted
=====================  ===========  =======================================  =================

Inside a workbook the reader (:mod:`iiscore.data`) also refuses a DOCTYPE or entity declaration,
elements nested more than 64 deep, a tag or text longer than 1 MB without a ``>``, a workbook
part over 2 MB, and a damaged zip member; its memory does not grow with the number of XML
elements. The app adds its own budgets (``iiscore_app/cache.py``): ``IISCORE_CACHE_MB`` (default
512 MB) for all cached results of one server process and ``IISCORE_UPLOADS_MB`` (default 2,048
MB) for the uploads its sessions hold; Streamlit refuses uploads over 20 MB
(``.streamlit/config.toml``).
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
#: Regions of a Benefit-of-the-Doubt run: one linear programme per region, each over every region's
#: constraint (500 regions × 50 indicators: about 5 s; 3,000 counties took 5 minutes). Above it,
#: ``compare_methods`` leaves BoD out with a note and keeps the other methods.
MAX_BOD_REGIONS = 500
