"""What a comparison URL names: the curated comparison of its tools, else an
on-demand one, or why it names none.

A URL may be read several ways (a slug may hold "-vs-"): the first reading,
fewest tools first, that names 2-4 distinct tools the reader can see wins, and
a curated comparison of any such reading wins over an on-demand one. The
page's queries stay constant whatever the number of tools: the tools of every
reading (one query), the curated comparisons of those sets (one), then the
takes of the chosen tools (one, after the canonical-order redirect).
"""

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from comparisons.models import (
    MAX_TOOLS,
    MIN_TOOLS,
    Comparison,
    finest_slug_parts,
    read_compare_slug,
    tools_key,
)
from verdicts.models import Take, Tool

# A URL cut into more parts than this is not worth a look-up to explain.
MAX_DIAGNOSED_PARTS = 12


class NoComparison(Exception):
    """The URL names no comparison the reader may see; `status` is 404 (no such
    tools) or 400 (tools the reader can see, but not a comparison: a repeated
    tool, more than MAX_TOOLS); `message` says so to the reader."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class _Candidate:
    tools: tuple[Tool, ...]

    @property
    def key(self) -> str:
        return tools_key(tool.pk for tool in self.tools)


def comparison_for_slug(user, slug: str) -> Comparison:
    """The comparison `slug` names for `user` (staff also see drafts), its tools
    with their categories but not yet their takes (see load_takes()): two queries.
    Raises NoComparison."""
    readings = read_compare_slug(slug)
    finest = finest_slug_parts(slug)
    wanted = {part for reading in readings for part in reading}
    if len(finest) <= MAX_DIAGNOSED_PARTS:
        wanted.update(finest)
    visible = Tool.objects.visible_to(user).select_related("category")
    found = {tool.slug: tool for tool in visible.filter(slug__in=wanted)} if wanted else {}
    candidates = [
        _Candidate(tuple(found[part] for part in reading))
        for reading in readings
        if len(set(reading)) == len(reading) and all(part in found for part in reading)
    ]
    if not candidates:
        raise _why_not(readings, finest, found)
    curated = {
        comparison.tools_key: comparison
        for comparison in Comparison.objects.visible_to(user).filter(
            tools_key__in={candidate.key for candidate in candidates}
        )
    }
    for candidate in candidates:
        if candidate.key in curated:
            comparison = curated[candidate.key]
            by_pk = {tool.pk: tool for tool in candidate.tools}
            comparison.set_tools([by_pk[pk] for pk in comparison.tool_ids])
            return comparison
    return Comparison.on_demand(*candidates[0].tools)


def load_takes(comparison: Comparison, personas=None) -> None:
    """Every tool's takes with their personas, in panel order: one query. With
    `personas` (a reader's lens), only those personas' takes, for every tool."""
    # Take.Meta.ordering already puts takes in panel order.
    prefetch_related_objects(
        comparison.tools, Prefetch("takes", queryset=Take.objects.with_personas(personas))
    )


def _why_not(readings, finest: list[str], found: dict[str, Tool]) -> NoComparison:
    """The reader's own words for a URL that names no comparison."""
    for parts in [*readings, finest]:
        if all(part in found for part in parts) and len(set(parts)) != len(parts):
            repeated = next(part for part in parts if parts.count(part) > 1)
            return NoComparison(
                400,
                f"“{found[repeated].name}” appears more than once: "
                "a comparison puts different tools side by side.",
            )
    if len(finest) > MAX_TOOLS and all(part in found for part in finest):
        return NoComparison(
            400,
            f"This address names {len(finest)} tools; a comparison puts "
            f"{MIN_TOOLS} to {MAX_TOOLS} side by side.",
        )
    return NoComparison(404, "No such comparison.")
