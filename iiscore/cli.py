"""Command line: ``python -m iiscore <command> ...``.

Every command writes CSV (or JSON) to ``--out`` or stdout. Bad input exits with status 2 and one
line on stderr naming the problem; no traceback. ``--lang zh`` (or ``IISCORE_LANG=zh``) gives the
messages in Chinese.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from .errors import IIScoreError, SpecError

# feature modules that add sub-commands through register(subparsers)
COMMAND_MODULES = ("iiscore.weights._cli", "iiscore.tiering_cli", "iiscore.sensitivity_cli",
                   "iiscore.simulate_cli", "iiscore.audit_cli")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2."""

    def error(self, message):
        raise SpecError(f"{self.prog}: {message} (see --help)", f"{self.prog}：{message}（见 --help）")


def add_score_options(p: argparse.ArgumentParser) -> None:
    """The data and method options shared by score, tiers, sensitivity, whatif and goalseek."""
    p.add_argument("--data", help="indicator data (long or wide CSV/XLSX); default: built-in CAICT data")
    p.add_argument("--framework", help="framework CSV (id,parent,weight,direction,name_zh,name_en)")
    p.add_argument("--year", type=int, help="data year to score (default: latest)")
    p.add_argument("--treat", choices=["none", "log", "winsor"])
    p.add_argument("--normalisation", choices=["minmax", "zscore", "rank", "frontier"])
    p.add_argument("--missing", choices=["reweight", "mean"])
    p.add_argument("--aggregation", choices=["arithmetic", "geometric"])


def spec_and_data_from_args(args):
    """(Dataset, Spec) from the shared options.

    Without --data and --framework: the built-in data set with its documented defaults; options on
    the command line override them. With a user's data or framework: the engine's defaults.
    """
    from . import datasets
    from .data import load_data
    from .framework import load_framework
    from .spec import Spec

    builtin = not args.data and not args.framework
    fw = load_framework(args.framework) if args.framework else datasets.load_default_framework()
    if args.data:
        ds = load_data(args.data, fw, region_info=datasets.load_regions())
    else:
        ds = datasets.load_default()
    settings = dict(datasets.default_settings()) if builtin else {}
    for key in ("treat", "normalisation", "missing", "aggregation", "year"):
        v = getattr(args, key, None)
        if v is not None:
            settings[key] = v
    settings = {k: v for k, v in settings.items()
                if k in ("treat", "normalisation", "missing", "aggregation", "year", "goalposts")}
    if settings.get("year") is not None and int(settings["year"]) not in ds.years:
        raise SpecError(f"--year {settings['year']} is not in the data ({', '.join(map(str, ds.years))}).",
                        f"--year {settings['year']} 不在数据年份中（{'、'.join(map(str, ds.years))}）。",
                        parameter="year")
    return ds, Spec(framework=fw, **settings)


def write_table(df, out, *, index=False) -> None:
    """CSV to ``out`` or stdout, full float precision."""
    if out:
        try:
            df.to_csv(out, index=index, encoding="utf-8")
        except OSError as exc:
            raise IIScoreError(f"Cannot write {out}: {exc.strerror}.", f"无法写入 {out}：{exc.strerror}。",
                               parameter="--out") from None
    else:
        df.to_csv(sys.stdout, index=index, lineterminator="\n")


def _score(args) -> int:
    from .pipeline import build

    ds, spec = spec_and_data_from_args(args)
    res = build(ds, spec)
    write_table(res.table(), args.out)
    for en, zh in res.notes:  # what the run did (treated, missing, constant indicators)
        print("note: " + (zh if args.lang == "zh" else en), file=sys.stderr)
    return 0


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m iiscore", description="Score, weight, tier and simulate composite indices.")
    p.add_argument("--lang", choices=["en", "zh"], default=os.environ.get("IISCORE_LANG", "en"),
                   help="language of error messages")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    sc = sub.add_parser("score", help="score every region (one row per region)")
    add_score_options(sc)
    sc.add_argument("--out", help="output CSV (default: stdout)")
    sc.set_defaults(func=_score)
    for mod in COMMAND_MODULES:
        importlib.import_module(mod).register(sub)
    return p


def main(argv=None) -> int:
    lang = os.environ.get("IISCORE_LANG", "en")
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in argv[:-1]:
        lang = argv[argv.index("--lang") + 1]
    try:
        parser = make_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        return int(args.func(args) or 0)
    except IIScoreError as exc:
        print("error: " + exc.message(lang).replace("\n", " "), file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an engine bug must still not print a traceback at the user
        print(f"internal error: {type(exc).__name__}: {exc}. Please report it with the command you ran.",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
