"""`make serve-edge`: nginx on HOST/PORT in front of `make serve`'s gunicorn, as an
operator runs them; Ctrl-C stops both."""

import getpass
import os
import signal
import socket

from tests.deploy.edge import nginx_binary
from tests.html import text_of
from tests.shiporskip.processes import free_port, start


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_make_serve_edge_serves_through_nginx_and_stops_both_on_ctrl_c(tmp_path):
    nginx_binary()  # fails under CI=true when nginx is missing
    upstream_port = free_port()
    server = start(
        ["make", "--no-print-directory", "serve-edge"],
        tmp_path / "serve-edge.log",
        UPSTREAM_PORT=str(upstream_port),
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        STATIC_ROOT=str(tmp_path / "static"),
        EDGE_DIR=str(tmp_path / "edge"),
        EDGE_USER=getpass.getuser(),
        WEB_CONCURRENCY="1",
    )
    try:
        server.wait_until_healthy()
        home = server.get("/")
        assert home.status == 200
        assert home.headers["Server"] == "nginx"
        assert "Claude 4 API: Tool Use Streaming & Prompt Caching vs SmolLM3" in text_of(home.text)
        assert server.get("/badges/smolvm.svg").headers["X-Cache-Status"] == "MISS"
        assert server.get("/badges/smolvm.svg").headers["X-Cache-Status"] == "HIT"
        assert _listening(upstream_port)  # gunicorn, on its own port behind nginx
        assert "DJANGO_SETTINGS_MODULE=shiporskip.settings.prod" in server.log

        os.killpg(server.process.pid, signal.SIGINT)  # what Ctrl-C sends the terminal's group
        server.process.wait(timeout=40)
        assert not _listening(server.port)
        assert not _listening(upstream_port)
    finally:
        server.stop()
