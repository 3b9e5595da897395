"""The built-in CAICT data set, shipped inside the package as ``iiscore._data`` (see ``iiscore/resources.py``)."""
