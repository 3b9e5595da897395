"""Where the app's default data set comes from: the server's own data file, or the built-in one.

A deployment can serve another data set (and framework) to every visitor:

* environment variables ``IISCORE_DATA`` (a data file: long or wide CSV/XLSX, anything
  :func:`iiscore.load_data` reads) and ``IISCORE_FRAMEWORK`` (optional: a framework CSV/XLSX as
  :func:`iiscore.load_framework` reads);
* or the command line, after ``--``: ``streamlit run app.py -- --data PATH [--framework PATH]``
  (``--data=PATH`` works too). For each of the two settings, the command line wins over the
  environment; an empty variable counts as unset. Relative paths are relative to the directory the
  server was started in.

With neither, visitors get the built-in CAICT data set (:func:`iiscore.load_default`), exactly as
before. A server data set is read the way an upload of the same file is read (the region table of
the built-in data maps full, short and English province names onto the same ids; the same default
method settings, with the file's last year), so it gives the numbers the same upload would. It is
labelled with its file name; its links carry the data set id ``file:<file name>`` and the data's
fingerprint, so a link opens with the same numbers on every process that serves the same file and
says so when the file has changed. The built-in data's extras (the report's published national
series and tiers) are not claimed for it: :attr:`Served.builtin` is False.

A bad setting (unknown argument, missing or unreadable file, a file the loaders refuse) never
becomes a traceback. :func:`main` (``python -m iiscore_app.serving --check``, run by
``deploy/iiscore-run`` before Streamlit starts, hence by the systemd unit and the Docker image)
exits with status 2 and one line naming the file and the problem, in English and Chinese, so the
service does not start. A server started without that check still starts, but the app's first
page run writes the same line once to the server's log and every page shows the problem (both
languages) instead of the app, until the setting is fixed and the server restarted.

This module never imports Streamlit at import time (the check runs without it).
"""
from __future__ import annotations

import hashlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from iiscore.errors import DataError, IIScoreError, SpecError

ENV_DATA = "IISCORE_DATA"
ENV_FRAMEWORK = "IISCORE_FRAMEWORK"
OPT_DATA = "--data"
OPT_FRAMEWORK = "--framework"
APP_SCRIPT = "app.py"                     # sys.argv[0] under ``streamlit run app.py``
BUILTIN_LABEL = "CAICT 2024 (proxies)"
DATASET_PREFIX = "file:"                  # link id of a server data set: file:<file name>
USAGE = "streamlit run app.py -- --data PATH [--framework PATH]"


@dataclass(frozen=True)
class Source:
    """The resolved settings: absolute paths (or None) and which setting gave each."""

    data: str | None = None
    framework: str | None = None
    data_from: str | None = None          # "--data" or "IISCORE_DATA"
    framework_from: str | None = None

    @property
    def builtin(self) -> bool:
        return self.data is None and self.framework is None


@dataclass(frozen=True)
class Served:
    """What every visitor gets by default (``state.default_bundle`` wraps it in a Bundle)."""

    key: str                # cache identity: the data set id for the built-in data, else a content hash
    ds: object
    fw: object
    context: object         # iiscore_app.scenario.Context (link validation, defaults)
    label: str              # shown to users: the file name, or the built-in data's name
    builtin: bool           # True only for the built-in CAICT data (the report's extras apply)
    source: Source


# -- the settings ------------------------------------------------------------------------------------
def settings(argv=None, environ=None) -> tuple:
    """The raw inputs that decide the data set, hashable (a cache key).

    ``argv`` defaults to ``sys.argv``: its arguments count only when ``argv[0]`` is the app's
    script (``streamlit run app.py -- ...`` sets it so); in any other process (pytest running
    AppTest, a benchmark) they belong to someone else and are ignored."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    ours = bool(argv) and Path(str(argv[0])).name == APP_SCRIPT
    return (tuple(str(a) for a in argv[1:]) if ours else (),
            environ.get(ENV_DATA) or None, environ.get(ENV_FRAMEWORK) or None)


def command_line(args) -> dict:
    """``{"--data": path, "--framework": path}`` from the script's arguments (those after ``--``).

    Raises
    ------
    SpecError
        An unknown argument, an option without a value, or an option given twice.
    """
    out = {}
    args = list(args)
    i = 0
    while i < len(args):
        arg = args[i]
        opt, eq, value = arg.partition("=")
        if opt not in (OPT_DATA, OPT_FRAMEWORK):
            raise SpecError(
                f"Unknown argument '{arg}'. The app takes only --data PATH and --framework PATH after '--': {USAGE}.",
                f"未知参数“{arg}”。本应用在“--”之后只接受 --data 路径 和 --framework 路径：{USAGE}。",
                parameter=arg)
        if not eq:
            i += 1
            value = args[i] if i < len(args) else ""
        if not value or (not eq and value.startswith("--")):
            raise SpecError(f"{opt} needs a file path: {USAGE}.", f"{opt} 后面需要文件路径：{USAGE}。",
                            parameter=opt)
        if opt in out:
            raise SpecError(f"{opt} is given twice; give it once.", f"{opt} 出现了两次，请只给一次。", parameter=opt)
        out[opt] = value
        i += 1
    return out


def source_of(raw: tuple) -> Source:
    """Resolve :func:`settings` into a :class:`Source`: command line first, then the environment.

    Raises
    ------
    SpecError
        Bad arguments (see :func:`command_line`), or a framework without a data file.
    """
    args, env_data, env_fw = raw
    cli = command_line(args)
    data, data_from = (cli[OPT_DATA], OPT_DATA) if OPT_DATA in cli else (env_data, ENV_DATA if env_data else None)
    fw, fw_from = (cli[OPT_FRAMEWORK], OPT_FRAMEWORK) if OPT_FRAMEWORK in cli else (
        env_fw, ENV_FRAMEWORK if env_fw else None)
    if fw and not data:
        raise SpecError(
            f"{fw_from} names a framework but no data file is set. Set {ENV_DATA} (or --data) as well; to score "
            f"the built-in data with this framework, set it to the built-in data/indicators.csv.",
            f"{fw_from} 指定了框架文件，但没有指定数据文件。请同时设置 {ENV_DATA}（或 --data）；若要用此框架计算"
            f"内置数据，请把它设为内置的 data/indicators.csv。", parameter=fw_from)
    return Source(_absolute(data), _absolute(fw), data_from if data else None, fw_from if fw else None)


def source(argv=None, environ=None) -> Source:
    """The data set settings of this process (``sys.argv`` and ``os.environ`` by default)."""
    return source_of(settings(argv, environ))


def _absolute(path: str | None) -> str | None:
    if not path:
        return None
    p = Path(path).expanduser()
    return str(p if p.is_absolute() else Path.cwd() / p)


# -- loading -------------------------------------------------------------------------------------------
def _read(path: str, setting: str) -> bytes:
    """The file's bytes, or a DataError saying what is wrong with the path (no OSError escapes)."""
    from iiscore.data import MAX_BYTES

    p = Path(path)
    what_en, what_zh = f"The file set by {setting}", f"{setting} 指定的文件"
    try:
        if not p.exists():
            raise DataError(f"{what_en} does not exist. Check the path (absolute, or relative to the directory the "
                            f"app was started in).", f"{what_zh}不存在。请检查路径（绝对路径，或相对于启动应用的目录）。",
                            file=path, parameter=setting)
        if not p.is_file():
            raise DataError(f"{what_en} is not a file (a directory?). Name the data file itself.",
                            f"{what_zh}不是文件（是目录？）。请写出数据文件本身的路径。", file=path, parameter=setting)
        if p.stat().st_size > MAX_BYTES:
            mb = MAX_BYTES // 2**20
            raise DataError(f"{what_en} is larger than {mb} MB.", f"{what_zh}超过 {mb} MB。", file=path,
                            parameter=setting)
        return p.read_bytes()
    except OSError as exc:  # permissions, I/O errors: the user running the app cannot read it
        raise DataError(f"{what_en} cannot be read ({exc.strerror}). Give the user running the app read access.",
                        f"{what_zh}无法读取（{exc.strerror}）。请让运行应用的用户有读取权限。", file=path,
                        parameter=setting) from None


def _placed(exc: IIScoreError, path: str, setting: str) -> IIScoreError:
    """The loader's error, naming the full path and the setting (the loaders saw only the file name)."""
    return type(exc)(exc.en, exc.zh, file=path, row=exc.row, column=exc.column, parameter=setting)


def content_key(data: bytes, fw: bytes | None) -> str:
    """SHA-256 of the files, length-prefixed (as ``state.upload_key``): the cache identity."""
    h = hashlib.sha256()
    for part in (data, fw):
        h.update(b"-" if part is None else b"%d:" % len(part))
        h.update(part or b"")
    return h.hexdigest()


def load(src: Source) -> Served:
    """Load the data set ``src`` names (the built-in one when it names none).

    Raises
    ------
    IIScoreError
        ``DataError``/``FrameworkError`` naming the full path, the setting (``parameter``) and,
        from the loaders, the row and column.
    """
    import iiscore
    from iiscore_app import scenario as S
    from iiscore.datasets import load_regions

    if src.builtin:
        ds, fw = iiscore.load_default(), iiscore.load_default_framework()
        return Served(S.DEFAULT_DATASET, ds, fw, S.make_context(ds, fw, S.DEFAULT_DATASET), BUILTIN_LABEL, True, src)
    fw, fw_raw = iiscore.load_default_framework(), None
    if src.framework:
        fw_raw = _read(src.framework, src.framework_from)
        f = io.BytesIO(fw_raw)
        f.name = Path(src.framework).name
        try:
            fw = iiscore.load_framework(f)
        except IIScoreError as exc:
            raise _placed(exc, src.framework, src.framework_from) from None
    raw = _read(src.data, src.data_from)
    name = Path(src.data).name
    try:
        # as an upload is read (state._upload_bundle): the same region table maps names onto ids
        ds = iiscore.load_data(io.BytesIO(raw), fw, region_info=load_regions(), name=name)
    except IIScoreError as exc:
        raise _placed(exc, src.data, src.data_from) from None
    ds_id = DATASET_PREFIX + name[:60]
    # the defaults of an upload of the same file (the engine's settings, the last year, view settings
    # that name nodes of this framework): make_context gives them to any data but the built-in set
    ctx = S.make_context(ds, fw, ds_id, builtin=False)
    return Served("file-" + content_key(raw, fw_raw), ds, fw, ctx, name, False, src)


# -- failures --------------------------------------------------------------------------------------------
def failure_text(exc: IIScoreError, lang: str, *, full_path: bool = True) -> str:
    """What went wrong, in ``lang``, on one line; ``full_path=False`` names the file only (the page)."""
    if not full_path and exc.file:
        exc = type(exc)(exc.en, exc.zh, file=Path(exc.file).name, row=exc.row, column=exc.column,
                        parameter=exc.parameter)
    if lang == "zh":
        text = f"应用无法使用为本服务器设置的数据：{exc.message('zh')}请改正后重启应用。"
    else:
        text = f"The app cannot use the data set this server was given: {exc.message('en')} Fix it and restart the app."
    return " ".join(text.split())  # one line, whatever the loaders' messages hold


def failure_line(exc: IIScoreError) -> str:
    """The log line: English, then Chinese, with the full path."""
    return f"iiscore: {failure_text(exc, 'en')} | {failure_text(exc, 'zh')}"


def log_failure(exc: IIScoreError) -> None:
    """Write :func:`failure_line` to the server's log (stderr)."""
    print(failure_line(exc), file=sys.stderr, flush=True)


def stop_page(exc: IIScoreError) -> None:
    """Show the problem on the page in both languages and stop the script (nothing else is drawn)."""
    import streamlit as st

    from . import safe

    # the loaders quote the file (cells, headers): plain text, never Markdown
    st.error(safe.md(failure_text(exc, "zh", full_path=False), 2 * safe.MAX_TEXT) + "\n\n"
             + safe.md(failure_text(exc, "en", full_path=False), 2 * safe.MAX_TEXT))
    st.stop()


# -- the check ---------------------------------------------------------------------------------------------
def main(argv=None, environ=None) -> int:
    """``python -m iiscore_app.serving --check [--data PATH] [--framework PATH]``.

    Loads what the app would serve with these arguments and the environment; prints one line
    (what is served, or the problem in English and Chinese on stderr) and returns 0 or 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "--check":
        print("usage: python -m iiscore_app.serving --check [--data PATH] [--framework PATH]", file=sys.stderr)
        return 2
    try:
        served = load(source_of(settings(["app.py", *args[1:]], environ)))
    except IIScoreError as exc:
        log_failure(exc)
        return 2
    ds, fw = served.ds, served.fw
    where = "built-in data" if served.builtin else served.source.data
    print(f"iiscore: serving {served.label} ({where}): {len(ds.regions)} regions, years {ds.years[0]}-{ds.years[-1]}, "
          f"{len(fw.leaves)} indicators, data set id {served.context.dataset_id}")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in the tests
    sys.exit(main())
