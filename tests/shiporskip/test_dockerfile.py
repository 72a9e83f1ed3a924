"""No Docker engine runs here, so the image is held to what the tests do exercise:
the same lock file, the same entrypoint and health check scripts, collectstatic
with the production settings. hadolint lints the file in `make lint`."""

import os
import re

from tests.shiporskip.processes import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(keyword):
    # Joins continuation lines, then yields each instruction's arguments.
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in text.splitlines() if line.startswith(keyword + " ")]


def test_it_builds_in_two_stages_on_python_311_slim():
    assert instructions("FROM") == ["python:3.11-slim AS build", "python:3.11-slim"]


def test_it_installs_the_hash_pinned_production_lock():
    assert "COPY requirements/prod.txt /tmp/requirements.txt" in DOCKERFILE
    (install,) = [run for run in instructions("RUN") if "pip install" in run]
    assert "--require-hashes" in install
    assert "-r /tmp/requirements.txt" in install
    assert (ROOT / "requirements" / "prod.txt").exists()


def test_it_runs_as_an_unprivileged_user():
    (user,) = instructions("USER")
    assert user.split(":")[0] not in ("0", "root")
    assert DOCKERFILE.index("USER ") < DOCKERFILE.index("ENTRYPOINT")


def test_it_collects_static_files_with_the_production_settings_at_build_time():
    (collect,) = [run for run in instructions("RUN") if "collectstatic" in run]
    assert "python manage.py collectstatic --noinput" in collect
    assert any(
        "DJANGO_SETTINGS_MODULE=shiporskip.settings.prod" in env for env in instructions("ENV")
    )


def test_it_starts_with_the_entrypoint_and_checks_health_with_the_tested_scripts():
    assert instructions("ENTRYPOINT") == ['["/app/bin/entrypoint"]']
    assert instructions("HEALTHCHECK")[0].endswith('CMD ["python", "/app/bin/healthcheck"]')
    for script in ("bin/entrypoint", "bin/healthcheck"):
        assert os.access(ROOT / script, os.X_OK), f"{script} is not executable"
