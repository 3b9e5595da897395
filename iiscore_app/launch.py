"""``iiscore-app``: start the explorer from an installed package, from any directory.

In a checkout, ``streamlit run app.py`` does the same. An installed wheel carries the entry script and
the pages as ``iiscore_app.site`` (``pyproject.toml``) and the app's settings file
(``.streamlit/config.toml``), which Streamlit reads only from the working directory: they are passed on
the command line here. Arguments after ``--`` reach the app (``--data PATH --framework PATH``, see
:mod:`iiscore_app.serving`); the others go to ``streamlit run`` (e.g. ``--server.port 8600``).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

try:  # Python 3.11+
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    tomllib = None


def site_dir() -> Path:
    """The folder holding ``app.py`` and ``pages/``: the installed ``iiscore_app.site``, else the checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "site"  # a folder without __init__.py: found by path, not imported
    return installed if (installed / "app.py").is_file() else here.parent


def config_flags(site: Path) -> list[str]:
    """The app's ``.streamlit/config.toml`` as ``--section.key value`` flags."""
    cfg = site / ".streamlit" / "config.toml"
    if tomllib is None or not cfg.is_file():
        return []
    flags = []
    for section, values in tomllib.loads(cfg.read_text(encoding="utf-8")).items():
        for key, value in values.items():
            v = str(value).lower() if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{key}", v]
    return flags


def command(argv: list[str]) -> list[str]:
    site = site_dir()
    if "--" in argv:
        i = argv.index("--")
        st_args, app_args = argv[:i], argv[i + 1:]
    else:
        st_args, app_args = argv, []
    return [sys.executable, "-m", "streamlit", "run", str(site / "app.py"), *config_flags(site), *st_args,
            *(["--", *app_args] if app_args else [])]


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        import streamlit  # noqa: F401 - only whether the app extra is installed
    except ImportError:
        print('error: the app needs its extra dependencies: pip install "iiscore[app]"', file=sys.stderr)
        return 2
    cmd = command(argv)
    if os.name == "posix":  # become the server: a stop signal (systemd, a terminal, a test) reaches it
        os.execv(cmd[0], cmd)
    return os.spawnv(os.P_WAIT, cmd[0], cmd)  # elsewhere: wait for it, no shell in between


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
