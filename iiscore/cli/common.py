"""What every command shares: the parser class, the data and method options (read from the
engine's registries), the tier options, input loading, output writers and the warning relay.

Every bad input ends as an :class:`~iiscore.errors.IIScoreError`; :func:`iiscore.cli.main` prints it
as one line and exits with status 2.
"""
from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import unicodedata
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..aggregate import AGGREGATIONS
from ..errors import DataError, IIScoreError, IIScoreWarning, SpecError, check_number, check_seed
from ..normalise import NORMALISATIONS
from ..spec import GOALPOSTS, MISSING, TREAT_FITS
from ..tiering import DEFAULT_METHOD, FEATURES, METHODS
from ..treat import TREATMENTS

__all__ = ["Parser", "add_data_options", "add_tier_options", "add_output", "Inputs", "load_inputs",
           "tier_function", "check_output", "write_csv", "write_json", "say", "relay_warnings", "lang",
           "parse_list", "parse_pairs", "seed", "number"]


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2 (as every other error)."""

    def error(self, message):
        raise SpecError(f"{self.prog}: {message} (see --help)", f"{self.prog}：{message}（见 --help）")


def lang(args) -> str:
    return "zh" if getattr(args, "lang", "en") == "zh" else "en"


# -- options -------------------------------------------------------------------------------------
def add_data_options(p: argparse.ArgumentParser) -> None:
    """The data and method options of every command that scores the index."""
    g = p.add_argument_group("data and method")
    g.add_argument("--data", help="indicator data (long or wide CSV/XLSX); default: the built-in CAICT data")
    g.add_argument("--framework", help="framework CSV (id,parent,weight,direction,name_zh,name_en)")
    g.add_argument("--decimal", choices=(".", ","), default=".",
                   help="decimal mark of the numbers in --data: '.' (default) or ',' (then 1,5 is 1.5 and '.' or a "
                        "space separates thousands); never guessed")
    g.add_argument("--year", type=int, help="data year to score (default: the latest)")
    g.add_argument("--treat", choices=TREATMENTS, help="outlier treatment of skewed indicators")
    g.add_argument("--treat-fit", dest="treat_fit", choices=TREAT_FITS,
                   help="fit the treatment on the scored year (default) or on all years pooled")
    g.add_argument("--normalisation", choices=NORMALISATIONS)
    g.add_argument("--goalposts", choices=GOALPOSTS, help="min-max goalposts of the year (default) or pooled")
    g.add_argument("--missing", choices=MISSING)
    g.add_argument("--aggregation", choices=AGGREGATIONS)
    g.add_argument("--coverage", type=float,
                   help="minimum share of a node's parts with data for a score (default 0.5; 0 turns it off)")


def add_tier_options(p: argparse.ArgumentParser, *, prefix: str = "tier-") -> None:
    """The tiering in force (default: the report's sizes down the ranking)."""
    g = p.add_argument_group("tiering in force")
    g.add_argument(f"--{prefix}method", dest="tier_method", choices=METHODS, default=DEFAULT_METHOD,
                   help="sizes (the report's 6/11/10/4 down the ranking, default), kmeans (composite and pillar "
                        "scores), jenks (natural breaks), average (EIS thresholds)")
    g.add_argument(f"--{prefix}sizes", dest="tier_sizes", default=None, help="tier sizes for sizes, e.g. 6,11,10,4")
    g.add_argument(f"--{prefix}k", dest="tier_k", type=int, default=None, help="number of tiers (kmeans, jenks)")
    g.add_argument(f"--{prefix}seed", dest="tier_seed", type=int, default=0, help="k-means seed (default 0)")
    g.add_argument(f"--{prefix}features", dest="tier_features", choices=FEATURES, default="composite+pillars",
                   help="k-means features (default composite+pillars)")
    g.add_argument(f"--{prefix}standardise", dest="tier_standardise", action="store_true",
                   help="k-means on z-scores of the features")


def add_output(p: argparse.ArgumentParser, what: str = "CSV") -> None:
    p.add_argument("--out", help=f"output {what} (default: stdout)")
    if what == "CSV":
        p.add_argument("--raw", action="store_true",
                       help="write text cells as they are (by default a cell starting with = + - @ is prefixed with "
                            "an apostrophe, so that a spreadsheet does not run it as a formula)")


def seed(value, name: str = "--seed") -> int:
    return check_seed(value, name)


# -- inputs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Inputs:
    data: object
    spec: object
    builtin: bool
    notes: tuple


def load_inputs(args) -> Inputs:
    """(Dataset, Spec) from the shared options.

    Without --data and --framework: the built-in data set with its documented default settings
    (``data/defaults.json``); options on the command line override them. With a user's data or
    framework: the engine's defaults (no treatment, min-max, re-weighting, arithmetic) -- the same
    settings the app uses for an upload.
    """
    from .. import datasets
    from ..data import load_data
    from ..framework import load_framework
    from ..spec import Spec

    builtin = not args.data and not args.framework
    fw = load_framework(args.framework) if args.framework else datasets.load_default_framework()
    if args.data:
        ds = load_data(args.data, fw, region_info=datasets.load_regions(), decimal=getattr(args, "decimal", "."))
    else:
        ds = datasets.load_default()
    settings = dict(datasets.default_settings()) if builtin else {}
    for key in ("treat", "normalisation", "missing", "aggregation", "year", "goalposts", "treat_fit", "coverage"):
        v = getattr(args, key, None)
        if v is not None:
            settings[key] = v
    settings = {k: v for k, v in settings.items()
                if k in ("treat", "normalisation", "missing", "aggregation", "year", "goalposts", "treat_fit",
                         "coverage")}
    if settings.get("goalposts") == "year":
        settings["goalposts"] = None
    if settings.get("coverage") is not None:
        settings["coverage"] = check_number("--coverage", settings["coverage"], 0.0, 1.0)
    if settings.get("year") is not None and int(settings["year"]) not in ds.years:
        raise SpecError(f"--year {settings['year']} is not in the data ({', '.join(map(str, ds.years))}).",
                        f"--year {settings['year']} 不在数据年份中（{'、'.join(map(str, ds.years))}）。",
                        parameter="--year")
    return Inputs(ds, Spec(framework=fw, **settings), builtin, tuple(ds.notes))


def parse_list(text: str | None, option: str) -> list | None:
    """``a,b,c`` -> ``["a", "b", "c"]`` (full-width commas accepted); None stays None."""
    if text is None:
        return None
    items = [x.strip() for x in unicodedata.normalize("NFKC", str(text)).split(",") if x.strip()]
    if not items:
        raise SpecError(f"{option} is empty; give a comma-separated list.", f"{option} 为空；请给出以逗号分隔的列表。",
                        parameter=option)
    return items


def number(text, option: str, minimum: float | None = None, maximum: float | None = None) -> float:
    """``text`` as a finite number in range, or a SpecError naming ``option``."""
    try:
        x = float(unicodedata.normalize("NFKC", str(text)).strip())
    except ValueError:
        x = float("nan")
    try:
        return check_number(option, x, minimum, maximum)
    except SpecError:
        shown = str(text) if len(str(text)) <= 40 else str(text)[:39] + "…"
        rng = "" if minimum is None and maximum is None else " " + " and ".join(
            s for s in ((f">= {minimum:g}" if minimum is not None else ""), (f"<= {maximum:g}" if maximum is not None
                                                                             else "")) if s)
        raise SpecError(f"{option}: '{shown}' is not a finite number{rng}.", f"{option}：“{shown}”不是有限数值{rng}。",
                        parameter=option) from None


def parse_pairs(text: str | None, option: str) -> dict | None:
    """``id=1.5,id2=3`` -> ``{"id": 1.5, "id2": 3.0}``; None stays None."""
    items = parse_list(text, option)
    if items is None:
        return None
    out = {}
    for it in items:
        key, sep, val = it.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            out[key.strip()] = check_number(option, float(val))
        except (ValueError, IIScoreError):
            raise SpecError(f"Cannot read '{it[:60]}' in {option}; write INDICATOR=NUMBER, comma-separated "
                            f"(e.g. network=1.5,identifier=2).",
                            f"无法识别 {option} 中的“{it[:60]}”；请写成 指标=数值，以逗号分隔（如 network=1.5,identifier=2）。",
                            parameter=option) from None
    return out


def tier_function(args):
    """The tiering in force from the tier options, as a function of the score table."""
    from ..tiering import tiers

    method = getattr(args, "tier_method", DEFAULT_METHOD) or DEFAULT_METHOD
    k = getattr(args, "tier_k", None)
    sizes = getattr(args, "tier_sizes", None)
    tseed = seed(getattr(args, "tier_seed", 0) or 0, "--tier-seed")
    features = getattr(args, "tier_features", "composite+pillars")
    standardise = bool(getattr(args, "tier_standardise", False))

    def fn(table):
        kw = {"k": k} if k is not None else {}
        if method == "sizes":
            return tiers(table, method="sizes", sizes=sizes, **kw).tier
        if method == "kmeans":
            kw.update(seed=tseed, features=features, standardise=standardise)
        return tiers(table, method=method, **kw).tier

    fn.method = method
    return fn


# -- outputs -------------------------------------------------------------------------------------
def check_output(path, option: str = "--out") -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    if not path:
        return
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.exists() and p.is_dir():
        raise DataError(f"{option} {path} is a folder; give a file name.", f"{option} {path} 是文件夹；请给出文件名。",
                        parameter=option)
    if not parent.exists():
        raise DataError(f"Cannot write {path}: the folder {parent} does not exist.",
                        f"无法写入 {path}：文件夹 {parent} 不存在。", parameter=option)
    if not parent.is_dir():
        raise DataError(f"Cannot write {path}: {parent} is not a folder.", f"无法写入 {path}：{parent} 不是文件夹。",
                        parameter=option)
    if p.exists() and not stat.S_ISREG(os.stat(p).st_mode):
        raise DataError(f"Cannot write {path}: it is not a regular file.", f"无法写入 {path}：它不是普通文件。",
                        parameter=option)
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise DataError(f"Cannot write {path}: permission denied.", f"无法写入 {path}：没有写入权限。",
                        parameter=option)


def _open_out(out, option):
    try:
        return open(out, "w", encoding="utf-8", newline="")
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise DataError(f"Cannot write {out}: {why}.", f"无法写入 {out}：{why}。", parameter=option) from None


def write_csv(df, out=None, *, raw: bool = False, index: bool = False, option: str = "--out") -> None:
    """CSV to ``out`` or stdout at full float precision; text cells formula-escaped unless ``raw``."""
    from ..export import escape_frame

    frame = df if raw else escape_frame(df)
    if out:
        with _open_out(out, option) as fh:
            frame.to_csv(fh, index=index, lineterminator="\n")
    else:
        frame.to_csv(sys.stdout, index=index, lineterminator="\n")


def write_json(obj, out=None, option: str = "--out") -> None:
    """JSON (UTF-8, Chinese as written, indented) to ``out`` or stdout."""
    text = json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    if out:
        with _open_out(out, option) as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def say(notes, args, prefix: str = "note: ") -> None:
    """Bilingual notes, one line each on stderr, in the user's language."""
    zh = lang(args) == "zh"
    for en, zh_text in notes:
        print(prefix + (zh_text if zh else en).replace("\n", " "), file=sys.stderr)


@contextmanager
def relay_warnings(args):
    """Collect the engine's warnings and print them on stderr, one line each, in the user's language."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IIScoreWarning)
        yield
    zh = lang(args) == "zh"
    for w in caught:
        msg = w.message
        text = (msg.zh if zh else msg.en) if isinstance(msg, IIScoreWarning) else str(msg)
        print("warning: " + text.replace("\n", " "), file=sys.stderr)
