"""Running Ship or Skip the way operators do, in subprocesses: manage.py, bin/entrypoint
and `make serve`, each with an environment the test controls, on a free port."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ROOT = settings.BASE_DIR
# Variables a developer's shell (or the suite's own run) might set that would change
# what a subprocess does; each test says which ones it wants.
_CONFIG_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DATABASE_POOL",
    "SQLITE_PATH",
    "STATIC_ROOT",
    "CACHE_URL",
    "REDIS_URL",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "LOAD_SEED",
    "HOST",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    # Browser tests set it for their own process; deployments must never have it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
A_SECRET_KEY = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"


def environment(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CONFIG_VARIABLES}
    # The suite's virtual environment first, so `python` and `gunicorn` are ours.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(overrides)
    return env


def run(args: list[str], **overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env=environment(**overrides), capture_output=True, text=True, timeout=120
    )


def manage(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", *args], **overrides)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_lines_with(self, fragment: str) -> list[str]:
        """Log lines containing `fragment`, waiting a little: gunicorn writes the
        access line just after the response has gone out."""
        for _ in range(50):
            lines = [line for line in self.log.splitlines() if fragment in line]
            if lines:
                return lines
            time.sleep(0.1)
        return []

    def wait_until_healthy(self, deadline_seconds: float = 120) -> None:
        """Poll /healthz until it answers 200; the deadline only bounds a broken start."""
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n{self.log}")
            try:
                if self.get("/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server never became healthy:\n{self.log}")

    def stop(self) -> None:
        # The server runs in its own session: end its whole group (make, bash, gunicorn).
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start(args: list[str], log_path: Path, **overrides: str) -> Server:
    port = free_port()
    log = log_path.open("wb")
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        env=environment(HOST="127.0.0.1", PORT=str(port), **overrides),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    return Server(process, port, log_path)
