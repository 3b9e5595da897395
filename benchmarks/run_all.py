"""Run every benchmark in this folder and print their tables: python benchmarks/run_all.py

Figures go into benchmarks/README.md by hand, with the date and the machine.
"""
import platform
import subprocess
import sys
import time
from pathlib import Path

here = Path(__file__).resolve().parent


def main(argv):
    only = set(argv)
    print(f"# {time.strftime('%Y-%m-%d')} · Python {platform.python_version()} · {platform.machine()}\n")
    for script in sorted(here.glob("bench_*.py")):
        if only and script.stem not in only and script.stem.removeprefix("bench_") not in only:
            continue
        print(f"## {script.stem}\n", flush=True)
        r = subprocess.run([sys.executable, str(script)], cwd=here.parent)
        if r.returncode:
            print(f"(failed with exit status {r.returncode})")
        print(flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
