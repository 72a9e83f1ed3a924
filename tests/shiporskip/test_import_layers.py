"""Imports run one way (pyproject [tool.importlinter]): pages > newsletter >
comparisons > verdicts > pagecache > shiporskip.lib. The contract holds, and it
catches a lower app importing a higher one, checked on a copy of the code so the
real tree is never touched."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ["shiporskip", "verdicts", "comparisons", "newsletter", "pagecache", "pages"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_the_code(tmp_path):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_apps_import_downward_only():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_holds_on_the_copy(copy_of_the_code):
    # The copy is checked like the real tree: a failure below is the new import's.
    assert lint_imports(copy_of_the_code).returncode == 0


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("verdicts", "comparisons.models"),
        ("comparisons", "newsletter.models"),
        ("pagecache", "verdicts.models"),
        ("newsletter", "pages.views"),
        ("shiporskip/lib", "verdicts.models"),
    ],
)
def test_a_lower_app_importing_a_higher_one_breaks_the_contract(copy_of_the_code, lower, higher):
    (copy_of_the_code / lower / "upward.py").write_text(f"import {higher}  # noqa\n")
    result = lint_imports(copy_of_the_code)
    module = lower.replace("/", ".")
    assert result.returncode != 0
    assert f"{module} is not allowed to import {higher.split('.')[0]}" in result.stdout
    assert f"{module}.upward -> {higher}" in result.stdout
