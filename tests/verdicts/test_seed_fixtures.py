"""The seed fixtures hold every figure of the seed documents."""

import subprocess
import sys

import pytest
from django.conf import settings

from comparisons.models import Comparison
from shiporskip.lib.markdown import render_markdown
from tests.seed_pages import PERSONAS, seed_pages
from verdicts.models import Call, Category, Persona, Take, Tool

SEEDS = seed_pages()


def test_the_seed_documents_are_all_read():
    assert len(SEEDS) == 5
    assert {seed.tool_a for seed in SEEDS} == {"Claude 4 API: Tool Use Streaming & Prompt Caching"}


@pytest.mark.django_db
def test_it_loads_six_tools_six_personas_and_five_comparisons(seeded):
    assert Tool.objects.count() == 6
    assert list(Persona.objects.values_list("name", flat=True)) == PERSONAS
    assert Comparison.objects.published().count() == 5
    assert Category.objects.get().name == "Developer Tools"
    assert Take.objects.count() == 24


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_every_seed_figure_is_derived_from_the_fixtures(seeded, seed):
    tools = {tool.name: tool for tool in Tool.objects.all()}
    for name, percent in seed.percents.items():
        assert tools[name].panel.percent_label == percent
    for name, line in seed.panel_lines.items():
        assert tools[name].panel.summary == line
    for name, pricing in seed.pricing.items():
        assert tools[name].pricing == pricing
    assert Comparison.objects.for_pair_slug(
        f"{tools[seed.tool_a].slug}-vs-{tools[seed.tool_b].slug}"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_every_seed_take_is_stored_word_for_word(seeded, seed):
    for persona, *pair in seed.rows:
        for tool_name, seed_take in zip((seed.tool_a, seed.tool_b), pair, strict=True):
            takes = Take.objects.filter(tool__name=tool_name).select_related("persona")
            if persona is not None:
                takes = takes.filter(persona__name=persona)
            if seed_take is None:
                assert not takes.exists()
                continue
            take = takes.get(body=seed_take.body)
            if seed_take.call is not None:  # seed 001 shows neither scores nor calls
                assert (take.score, take.call) == (seed_take.score, seed_take.call)


@pytest.mark.django_db
def test_smollm3_has_unknown_scores_and_a_founder_skip(seeded):
    takes = Take.objects.filter(tool__slug="smollm3").select_related("persona")
    assert [t.score for t in takes] == [None, None, None, None]
    assert {t.persona.name: t.call for t in takes} == {
        "Builder": Call.SHIP,
        "Skeptic": Call.SHIP,
        "Futurist": Call.SHIP,
        "Founder": Call.SKIP,
    }
    assert takes.get(persona__name="Founder").body.endswith(
        "Skip as a business, ship as infrastructure."
    )


@pytest.mark.django_db
def test_the_stored_html_is_the_rendering_of_the_stored_markdown(seeded):
    for tool in Tool.objects.all():
        assert tool.description_html == render_markdown(tool.description)
    for take in Take.objects.all():
        assert take.body_html == render_markdown(take.body)


def test_the_fixtures_load_into_a_clean_sqlite_database(tmp_path):
    """What `make run` does on a fresh clone: migrate, then load the seed once."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "shiporskip.settings.dev",
        "SQLITE_PATH": str(tmp_path / "fresh.sqlite3"),
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    manage("migrate", "--noinput")
    assert "Loaded seed fixtures" in manage("loadseed")
    assert "not loaded" in manage("loadseed")
    counts = manage(
        "shell",
        "-c",
        "from verdicts.models import Take, Tool; from comparisons.models import Comparison;"
        "print(Tool.objects.count(), Take.objects.count(), Comparison.objects.count())",
    )
    assert counts.splitlines()[-1].split() == ["6", "24", "5"]


def test_missing_seed_documents_fail_instead_of_collecting_nothing(monkeypatch, tmp_path):
    # A parametrised test over no seeds would silently skip: the reader refuses instead.
    from tests import seed_pages as reader

    monkeypatch.setattr(reader, "SEEDS_DIR", tmp_path)
    with pytest.raises(reader.SeedDocumentsMissing, match="expected 5 seed documents"):
        reader.seed_pages()


def test_the_repo_keeps_its_own_copy_of_the_seed_documents():
    from tests.seed_pages import SEEDS_DIR

    assert SEEDS_DIR.is_relative_to(settings.BASE_DIR)
    assert sorted(path.name[:3] for path in SEEDS_DIR.glob("*.txt")) == [
        "000",
        "001",
        "002",
        "003",
        "004",
    ]
