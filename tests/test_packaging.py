"""The wheel works outside the checkout (issue 14).

* ``test_every_package_is_listed``: ``pyproject.toml`` lists packages by hand (the data and the app's
  pages are mapped from other folders); every folder of Python modules must be in that list, or the
  wheel would lack it while the checkout hides the gap.
* ``test_wheel_outside_the_checkout``: a wheel built from a copy of the tracked files, installed with
  ``--no-deps`` into a fresh virtual environment in a temporary folder. The environment sees the
  dependencies of this machine through a ``.pth`` line naming their folder (no network), but not the
  editable install of the checkout: ``.pth`` files inside that folder are not run, so ``import
  iiscore`` can only find the wheel (asserted). From a working directory outside the checkout,
  ``iiscore score`` prints the built-in ranking (equal to the checkout's), the data files are read
  from inside the package, the metadata declares the ``app`` extra with Streamlit, and
  ``iiscore-app`` serves the explorer: its health answers, and in Chromium (browser tests) the home
  page and the Tiers page draw the ranking with no exception box.
"""
from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests._server import CHROMIUM, browser_missing, free_port, stop_server, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".git", "__pycache__", ".hypothesis", ".benchmarks", ".ruff_cache", "build", "dist", "tests",
        "benchmarks", "docs", "deploy", "node_modules"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_is_listed():
    tool = _pyproject()["tool"]["setuptools"]
    listed = set(tool["packages"])
    mapped = {v.rstrip("/"): k for k, v in tool["package-dir"].items()}
    # folders shipped whole as a package's data (``"iiscore" = ["_fonts/*"]``: a font and the script
    # that made it) are not packages
    as_data = {f"{pkg}.{g.split('/')[0]}" for pkg, globs in tool["package-data"].items() for g in globs if "/" in g}
    found = set()
    for top in ("iiscore", "iiscore_app"):
        for d in (ROOT / top).rglob("*"):
            name = ".".join(d.relative_to(ROOT).parts)
            if d.is_dir() and "__pycache__" not in d.parts and any(d.glob("*.py")) and name not in as_data:
                found.add(".".join(d.relative_to(ROOT).parts))
        found.add(top)
    missing = sorted(found - listed)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
    # the mapped folders exist and hold what the installed package needs
    assert mapped["data"] == "iiscore._data" and (ROOT / "data" / "framework.csv").is_file()
    assert mapped["pages"] == "iiscore_app.site.pages" and any((ROOT / "pages").glob("*.py"))
    # the app's own dependencies are an extra: the engine never needs Streamlit
    extra = " ".join(_pyproject()["project"]["optional-dependencies"]["app"])
    for dep in ("streamlit", "pydeck", "altair", "matplotlib"):
        assert dep in extra
    for dep in _pyproject()["project"]["dependencies"]:
        assert "streamlit" not in dep


def _tracked_copy(dest: Path) -> Path:
    """The files a clean clone has (git's tracked files when there is a repository)."""
    try:
        names = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()]
    for n in names:
        parts = Path(n).parts
        if not parts or parts[0] in SKIP or "__pycache__" in parts or (ROOT / n).is_dir():
            continue
        if not (ROOT / n).exists():
            continue
        (dest / n).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / n, dest / n)
    return dest


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    src = _tracked_copy(base / "src")
    wheels = base / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(wheels)], check=True, capture_output=True, cwd=base)
    wheel = next(wheels.glob("iiscore-*.whl"))
    env_dir = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # this machine's dependencies, without running their .pth files (the checkout's editable finder)
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_machine_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, capture_output=True, cwd=base)
    work = base / "elsewhere"
    work.mkdir()
    return {"py": py, "bin": env_dir / "bin", "wheel": wheel, "cwd": work, "site": site}


def _run(venv, *args, **kw):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(list(args), cwd=venv["cwd"], capture_output=True, text=True, env=env, timeout=300, **kw)


def test_wheel_outside_the_checkout(venv):
    where = _run(venv, str(venv["py"]), "-c",
                 "import iiscore, iiscore_app, iiscore.resources as r;"
                 "print(iiscore.__file__); print(iiscore_app.__file__); print(r.data_file('framework.csv'))")
    assert where.returncode == 0, where.stderr
    lines = where.stdout.splitlines()
    for line in lines:
        assert line.startswith(str(venv["site"])), f"{line} is not the installed wheel"
        assert not line.startswith(str(ROOT))
    # the console script and the module both score the built-in data like the checkout does
    out = _run(venv, str(venv["bin"] / "iiscore"), "score")
    assert out.returncode == 0, out.stderr
    here = subprocess.run([sys.executable, "-m", "iiscore", "score"], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert out.stdout == here.stdout and "广东" in out.stdout
    mod = _run(venv, str(venv["py"]), "-m", "iiscore", "tiers")
    assert mod.returncode == 0, mod.stderr
    bad = _run(venv, str(venv["bin"] / "iiscore"), "score", "--top", "5")
    assert bad.returncode == 2 and bad.stderr.startswith("error: iiscore: unrecognized arguments")
    # the wheel's metadata declares the app's extra
    with zipfile.ZipFile(venv["wheel"]) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        msg = email.message_from_bytes(z.read(meta))
        names = z.namelist()
    assert "app" in msg.get_all("Provides-Extra")
    assert any(r.startswith("streamlit") and 'extra == "app"' in r for r in msg.get_all("Requires-Dist"))
    assert "iiscore_app/site/app.py" in names and "iiscore_app/site/.streamlit/config.toml" in names
    assert "iiscore/_data/framework.csv" in names and "iiscore/_data/map/china_map.geojson" in names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_app_from_the_wheel(venv):
    port = free_port()
    log = venv["cwd"] / "app.log"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(venv["bin"] / "iiscore-app"), "--server.port", str(port),
                                 "--server.address", "127.0.0.1"], cwd=venv["cwd"], stdout=out,
                                stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url)
        if browser_missing():
            return  # the server answers; drawing the pages needs Chromium (CI has it)
        from playwright.sync_api import sync_playwright

        from tests.test_concurrency import ARGS
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = b.new_page(viewport={"width": 1440, "height": 900})
            for path in ("", "tiers"):
                page.goto(f"{url}/{path}", wait_until="domcontentloaded")
                page.wait_for_selector("#iis-top, [data-testid=stDataFrame]", timeout=90_000)
                page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                                       timeout=90_000)
                boxes = page.locator("[data-testid=stException]")
                assert boxes.count() == 0, (path, boxes.first.inner_text()[:1500] if boxes.count() else "")
                assert "广东" in page.inner_text("body")
            b.close()
    finally:
        stop_server(proc)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text, text[-2000:]
