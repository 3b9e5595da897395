"""Command line: ``python -m iiscore <command> ...`` (and the ``iiscore`` script).

One dispatcher, one module per command (:data:`COMMANDS`), shared options and writers in
:mod:`iiscore.cli.common`. Every command writes CSV (or JSON) to ``--out`` or stdout. Bad input exits
with status 2 and one line on stderr naming the problem; no traceback. ``--lang zh`` (or
``IISCORE_LANG=zh``) gives the messages in Chinese. A command module imports the engine only when it
runs, so a command pays only for what it uses.
"""
from __future__ import annotations

import importlib
import os
import sys

from ..errors import IIScoreError
from .common import Parser

#: The commands, each a module of this package with ``register(subparsers)``.
COMMANDS = ("score", "weights", "tiers", "sensitivity", "whatif", "goalseek", "project", "audit", "methods", "brief")


def make_parser() -> Parser:
    # the name the user typed: the ``iiscore`` script or ``python -m iiscore``
    prog = "iiscore" if os.path.basename(sys.argv[0] or "") == "iiscore" else "python -m iiscore"
    p = Parser(prog=prog, description="Score, weight, tier, simulate and audit composite indices.")
    p.add_argument("--lang", choices=["en", "zh"], default=os.environ.get("IISCORE_LANG", "en"),
                   help="language of messages")
    sub = p.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
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
    except MemoryError:
        print("error: the request needs more memory than this machine has; use a smaller data set or fewer samples.",
              file=sys.stderr)
        return 2
    except Exception as exc:  # an engine bug must still not print a traceback at the user
        print(f"internal error: {type(exc).__name__}: {str(exc)[:300]}. Please report it with the command you ran.",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
