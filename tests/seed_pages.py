"""Reads the seed documents (text captures of the first five pages) so tests can
compare what we serve with what the seeds say, figure by figure.

The repo keeps its own copy in fixtures/seeds/, so a clone needs nothing beside it.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

SEEDS_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"
SEED_COUNT = 5
PERSONAS = ["Builder", "Skeptic", "Futurist", "Founder", "PM", "Creator"]
SCORE_LINE = re.compile(r"(\d+)/100 · (ship|skip)")


@dataclass
class SeedTake:
    score: int | None
    call: str | None
    body: str


@dataclass
class SeedPage:
    name: str
    tool_a: str
    tool_b: str
    percents: dict  # tool name -> "75%"
    panel_lines: dict = field(default_factory=dict)  # tool name -> "Ship · 3 ship / 1 skip"
    pricing: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)  # (persona or None, SeedTake|None, SeedTake|None)


def _lines(path):
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _structured(path, lines):
    title = lines[lines.index("AI tool comparison") + 1]
    tool_a, tool_b = title.split(" vs ", 1)
    percents = {name: lines[lines.index(name, 5) + 3] for name in (tool_a, tool_b)}
    page = SeedPage(path.name, tool_a, tool_b, percents)
    verdict = lines.index("Panel verdict")
    page.panel_lines = {tool_a: lines[verdict + 1], tool_b: lines[verdict + 2]}
    pricing = lines.index("Pricing", verdict)
    page.pricing = {tool_a: lines[pricing + 1], tool_b: lines[pricing + 2]}
    body = lines[lines.index("Reviewer scorecard") + 1 : lines.index("Weekly AI Tool Verdicts")]
    i = 0
    while i < len(body):
        persona = body[i]
        i += 1
        pair = []
        for _ in range(2):
            if body[i] == "No panel take":
                pair.append(None)
                i += 1
            else:
                score, call = SCORE_LINE.fullmatch(body[i]).groups()
                pair.append(SeedTake(int(score), call, body[i + 1]))
                i += 2
        page.rows.append((persona, *pair))
    return page


def _unscored(path, lines):
    # Seed 001: no persona labels, no scores, no decision table; quotes alternate A/B.
    title = lines[lines.index("AI tool comparison") + 1]
    tool_a, tool_b = title.split(" vs ", 1)
    percents = {name: lines[lines.index(name, 3) + 2] for name in (tool_a, tool_b)}
    page = SeedPage(path.name, tool_a, tool_b, percents)
    quotes = [line[1:-1] for line in lines if line.startswith("“")]
    for n in range(0, len(quotes), 2):
        page.rows.append(
            (None, SeedTake(None, None, quotes[n]), SeedTake(None, None, quotes[n + 1]))
        )
    return page


class SeedDocumentsMissing(RuntimeError):
    """The seed documents are not where the tests read them: a test must fail, not skip."""


def seed_pages() -> list[SeedPage]:
    """The SEED_COUNT seed pages, parsed; raises SeedDocumentsMissing when any is absent,
    so a parametrised test can never silently collect nothing."""
    paths = sorted(SEEDS_DIR.glob("*.txt"))
    if len(paths) != SEED_COUNT:
        raise SeedDocumentsMissing(
            f"expected {SEED_COUNT} seed documents in {SEEDS_DIR}, found {len(paths)}"
        )
    pages = []
    for path in paths:
        lines = _lines(path)
        parse = _structured if "Reviewer scorecard" in lines and "Decision" in lines else _unscored
        pages.append(parse(path, lines))
    return pages
