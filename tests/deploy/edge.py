"""A real nginx from deploy/nginx.conf (rendered by bin/edge-config) in front of a
real gunicorn, on free loopback ports: what the edge tests talk to."""

import getpass
import http.client
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CI
from tests.shiporskip.processes import ROOT, Response, environment, free_port


def nginx_binary() -> str:
    """Debian's nginx; missing, the test fails under CI=true and skips elsewhere."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        if CI:
            pytest.fail("nginx is required under CI=true (apt-get install nginx)")
        pytest.skip("nginx is not installed")
    return found


def render_config(edge_dir: Path, listen_port: int, upstream_port: int, static_root: Path) -> Path:
    """Run bin/edge-config as an operator would; returns the rendered file."""
    rendered = subprocess.run(
        ["bin/edge-config"],
        cwd=ROOT,
        env=environment(
            EDGE_LISTEN=f"127.0.0.1:{listen_port}",
            EDGE_UPSTREAM=f"127.0.0.1:{upstream_port}",
            STATIC_ROOT=str(static_root),
            EDGE_DIR=str(edge_dir),
            EDGE_USER=getpass.getuser(),
            EDGE_ACCESS_LOG=str(edge_dir / "access.log"),
        ),
        capture_output=True,
        text=True,
        check=True,
    )
    conf = edge_dir / "nginx.conf"
    conf.write_text(rendered.stdout)
    return conf


@dataclass
class Edge:
    """nginx on `port`; `request` talks HTTP/1.1 to it like a reader's client."""

    process: subprocess.Popen
    port: int
    edge_dir: Path
    log_path: Path

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body=None
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers)

    @property
    def cache_dir(self) -> Path:
        return self.edge_dir / "cache"

    def cached_files(self) -> list[Path]:
        return [p for p in self.cache_dir.rglob("*") if p.is_file()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_edge(edge_dir: Path, upstream_port: int, static_root: Path) -> Edge:
    """Start nginx in the foreground, in its own prefix: no port 80, no system files."""
    nginx = nginx_binary()
    edge_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = render_config(edge_dir, port, upstream_port, static_root)
    log_path = edge_dir / "nginx.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [nginx, "-p", str(edge_dir), "-c", str(conf), "-g", "daemon off;"],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    edge = Edge(process, port, edge_dir, log_path)
    deadline = time.monotonic() + 20
    while True:
        try:
            edge.get("/healthz")
            return edge
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                edge.stop()
                raise AssertionError(f"nginx did not start:\n{log_path.read_text()}") from None
            time.sleep(0.1)
