"""Files shipped inside the package: the built-in data set (``data/`` in the source tree).

The repository keeps the data at the top level (``data/``), and the build maps that folder into the
package as ``iiscore._data`` (``[tool.setuptools.package-dir]`` in ``pyproject.toml``), so that an
installed wheel reads the same files through :mod:`importlib.resources`, from any directory.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["data_dir", "data_file"]


@lru_cache(maxsize=1)
def data_dir() -> Path:
    """The folder holding the built-in data set (``framework.csv``, ``indicators.csv``, ...).

    In a source checkout (``pyproject.toml`` beside the package) that is the checkout's own ``data/``,
    whatever else is installed; in an installed package, ``iiscore._data``.
    """
    here = Path(__file__).resolve().parent.parent
    if (here / "pyproject.toml").is_file() and (here / "data" / "framework.csv").is_file():
        return here / "data"
    return Path(str(resources.files("iiscore._data")))


def data_file(name: str) -> Path:
    """Path of a built-in data file, e.g. ``data_file("framework.csv")``."""
    return data_dir() / name
