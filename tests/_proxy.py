"""The production recipe of docs/deploy.md, on loopback ports in a temporary directory.

Debian's nginx with Debian's own ``/etc/nginx/nginx.conf`` (paths moved into the directory, the
default site left out, as the doc says) including ``deploy/nginx/iiscore.conf`` with only the
listen address, the two app ports and the log directory substituted, in front of N app processes
started by ``deploy/iiscore-run`` (the script the systemd unit and the Docker image run) with one
shared cookie secret. Used by ``tests/test_deploy.py``.
"""
from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import http.client
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from tests._server import ROOT, free_port, stop_server, wait_healthy

NGINX = "/usr/sbin/nginx"
DEBIAN_CONF = Path("/etc/nginx/nginx.conf")
SITE = ROOT / "deploy" / "nginx" / "iiscore.conf"
RUN = ROOT / "deploy" / "iiscore-run"
BASE = "/iiscore"
PROD_PORTS = (8501, 8502)          # the ports the template (and the systemd instances) use
ROUTES = ("a", "b")                # the route cookie's values, in the order of PROD_PORTS



def nginx_missing() -> str | None:
    """Why the proxy cannot run here, or None."""
    if not os.path.exists(NGINX):
        return f"{NGINX} is missing: install Debian's nginx (apt-get install nginx) to run the deployment tests"
    if not DEBIAN_CONF.exists():
        return f"{DEBIAN_CONF} is missing: the tests run Debian's nginx.conf (package nginx-common)"
    return None


def render_site(port: int, app_ports: tuple, log_dir: Path) -> str:
    """``deploy/nginx/iiscore.conf`` with the test's listen address, app ports and log directory."""
    text = SITE.read_text(encoding="utf-8")
    if text.count("listen 80;") != 1 or text.count("/var/log/nginx/") != 1:
        raise RuntimeError(f"{SITE}: expected one 'listen 80;' and one log path under /var/log/nginx/")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("/var/log/nginx/", f"{log_dir}/")
    for prod, test in zip(PROD_PORTS, app_ports):
        if str(test) in {str(p) for p in PROD_PORTS}:
            raise RuntimeError("a test port collides with a production port")
        text = re.sub(rf"\b{prod}\b", str(test), text)
    return text


def render_main(site: Path, work: Path) -> str:
    """Debian's nginx.conf with its paths moved into ``work`` and ``site`` as the only site.

    Every substitution must match once: a changed Debian file stops the test with a clear error."""
    text = DEBIAN_CONF.read_text(encoding="utf-8")
    user = "user root;" if os.geteuid() == 0 else ""   # as root, workers must be able to write work/
    subs = [
        (r"^\s*user\s+[^;]*;", user),
        (r"^\s*pid\s+[^;]*;", f"pid {work}/nginx.pid;"),
        (r"^\s*error_log\s+[^;]*;", f"error_log {work}/error.log warn;"),
        (r"^\s*access_log\s+[^;]*;", f"access_log {work}/access.log;"),
        (r"^\s*include\s+/etc/nginx/conf\.d/\*\.conf;", f"include {site};"),
        (r"^\s*include\s+/etc/nginx/sites-enabled/\*;", "# the default site is disabled (docs/deploy.md)"),
        (r"^http\s*\{", "http {\n" + "".join(f"\t{k}_temp_path {work}/{k};\n" for k in
                                            ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))),
    ]
    for pattern, repl in subs:
        text, n = re.subn(pattern, repl, text, count=1, flags=re.M)
        if n != 1:
            raise RuntimeError(f"{DEBIAN_CONF}: no line matches {pattern!r}")
    return text


@dataclass
class Stack:
    """nginx in front of the app processes; ``url`` is the app's address through the proxy."""

    work: Path
    port: int
    app_ports: tuple
    apps: list = field(default_factory=list)
    nginx: object = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE}"

    def app_log(self, i: int) -> Path:
        return self.work / f"app{i}.log"

    @property
    def error_log(self) -> Path:
        return self.work / "error.log"

    @property
    def access_log(self) -> Path:
        return self.work / "iiscore.access.log"

    def route_of(self, upstream_addr: str) -> str:
        """The route (a, b) of the process at ``host:port`` (the last one when nginx retried)."""
        port = int(upstream_addr.split(",")[-1].strip().rsplit(":", 1)[1])
        return ROUTES[self.app_ports.index(port)]

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            stop_server(self.nginx)
        for p in self.apps:
            if p.poll() is None:
                stop_server(p)


def start_app(work: Path, i: int, port: int, env: dict) -> subprocess.Popen:
    log = open(work / f"app{i}.log", "wb")
    proc = subprocess.Popen([str(RUN), str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, **env})
    log.close()  # the child holds its own descriptor
    return proc


def start_stack(work: Path, n_apps: int = 2, env: dict | None = None) -> Stack:
    """Start ``n_apps`` app processes and nginx; return when the proxy answers the health check."""
    work.mkdir(parents=True, exist_ok=True)
    app_ports = tuple(free_port() for _ in range(n_apps))
    stack = Stack(work, free_port(), app_ports)
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32), "IISCORE_PYTHON": sys.executable, **(env or {})}
    try:
        stack.apps = [start_app(work, i, p, env) for i, p in enumerate(app_ports)]
        for proc, p in zip(stack.apps, app_ports):
            wait_healthy(proc, f"http://127.0.0.1:{p}{BASE}")
        site = work / "iiscore.conf"
        site.write_text(render_site(stack.port, app_ports, work), encoding="utf-8")
        main = work / "nginx.conf"
        main.write_text(render_main(site, work), encoding="utf-8")
        out = open(work / "nginx.out", "wb")
        stack.nginx = subprocess.Popen([NGINX, "-c", str(main), "-p", str(work), "-g", "daemon off;"],
                                       stdout=out, stderr=subprocess.STDOUT)
        out.close()
        for _ in range(100):
            if stack.nginx.poll() is not None:
                raise RuntimeError("nginx exited: " + (work / "nginx.out").read_text(errors="replace")[-2000:])
            try:
                if get(stack.url + "/_stcore/health", timeout=1)[2] == b"ok":
                    return stack
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not answer")
    except BaseException:
        stack.stop()
        raise


def get(url: str, *, cookie: str | None = None, method: str = "GET", data: bytes | None = None,
        headers: dict | None = None, timeout: float = 30, source: str | None = None):
    """(status, headers, body) of one request, redirects not followed, no proxy from the
    environment; ``source``: the client address to connect from (any 127.x.y.z on loopback)."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        h = dict(headers or {})
        if cookie:
            h["Cookie"] = cookie
        conn.request(method, (u.path or "/") + (f"?{u.query}" if u.query else ""), body=data, headers=h)
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()
