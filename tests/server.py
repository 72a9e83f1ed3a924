"""Run the real app under gunicorn for tests that need several worker processes."""

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from django.conf import settings

from tests.smtp import free_port


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )


@contextmanager
def gunicorn(tmp_path, workers=4, extra_env=None, extra_args=()):
    """A seeded SQLite database file served by gunicorn; yields (base_url, log_path, env).
    extra_args go to gunicorn's command line (e.g. an access log)."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)},
        "DJANGO_SETTINGS_MODULE": "shiporskip.settings.dev",
        "DEBUG": "false",
        "SQLITE_PATH": str(tmp_path / "served.sqlite3"),
        "PAGE_CACHE_DIR": str(tmp_path / "page-cache"),
        **(extra_env or {}),
    }
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "loadseed")
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "shiporskip.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--error-logfile",
                "-",
                "--log-level",
                "warning",
                *extra_args,
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base_url}/", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text()) from None
                time.sleep(0.1)
        yield base_url, log_path, env
    finally:
        process.terminate()
        process.wait(timeout=20)
