"""The verdict timeline: what changed in the panel's takes, and when.

Take keeps a dated record of every save and delete (django-simple-history,
Take.history). This module turns consecutive records of one take into the
changes readers see, worded once for the tool page, the comparison page and the
JSON:

    20 May 2026 · Skeptic: skip → ship, 45 → 71
    18 May 2026 · Builder: text revised
    20 April 2026 · Founder: skip, 40 (first take)

load_take_history(tools) fetches the records of every take of those tools in one
query and hangs each tool's timeline on it; verdict_timeline(tool) reads it back
and raises HistoryNotLoaded otherwise, so a page that forgot to load it fails in
tests instead of costing one query per tool.

The seed takes start at their seed dates: a data migration gave every take that
predates the history its first record at its created_at, and
record_loaded_take() does the same for takes loaded by loaddata, whose raw saves
django-simple-history ignores.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from verdicts.models import Persona, Take, Tool

# What a reader would call a change of the take; other fields (updated_at, the
# rendered HTML) follow from these.
TRACKED_FIELDS = ("call", "score", "body", "reviewed_version")

# django-simple-history's history_type values.
_CREATED, _CHANGED, _DELETED = "+", "~", "-"

_TIMELINE_ATTRIBUTE = "_verdict_timeline"


class ChangeKind(StrEnum):
    """What happened to a take; the values are published in the JSON."""

    FIRST_TAKE = "first_take"
    REVISED = "revised"
    WITHDRAWN = "withdrawn"


class HistoryNotLoaded(Exception):
    """verdict_timeline() was asked for a tool that load_take_history() did not see."""

    def __init__(self, tool):
        super().__init__(
            f"The verdict timeline of {tool.name!r} was not loaded: call "
            "verdicts.history.load_take_history(tools) on the page's tools first "
            "(one query for all of them)."
        )


def _score_words(score: int | None) -> str:
    return "unscored" if score is None else str(score)


@dataclass(frozen=True)
class TakeChange:
    """One dated change of one persona's take on one tool.

    old_* are None for a first take, new_* None for a withdrawn one. Scores are
    0-100 or None when the reviewer gave none; versions are "" when not given.
    """

    date: datetime
    kind: ChangeKind
    tool_id: int
    persona: Persona
    old_call: str | None
    new_call: str | None
    old_score: int | None
    new_score: int | None
    text_revised: bool
    old_version: str
    new_version: str

    @property
    def call_changed(self) -> bool:
        return self.kind == ChangeKind.REVISED and self.old_call != self.new_call

    @property
    def score_changed(self) -> bool:
        return self.kind == ChangeKind.REVISED and self.old_score != self.new_score

    @property
    def version_changed(self) -> bool:
        return self.kind == ChangeKind.REVISED and self.old_version != self.new_version

    @property
    def description(self) -> str:
        """The change without the persona and date: "skip → ship, 45 → 71"."""
        if self.kind == ChangeKind.FIRST_TAKE:
            return f"{self.new_call}, {_score_words(self.new_score)} (first take)"
        if self.kind == ChangeKind.WITHDRAWN:
            return f"take withdrawn (was {self.old_call}, {_score_words(self.old_score)})"
        parts = []
        if self.call_changed:
            parts.append(f"{self.old_call} → {self.new_call}")
        if self.score_changed:
            scores = f"{_score_words(self.old_score)} → {_score_words(self.new_score)}"
            parts.append(scores if self.call_changed else f"score {scores}")
        if self.text_revised:
            parts.append("text revised")
        if self.version_changed:
            if not self.old_version:
                parts.append(f"reviewed version {self.new_version}")
            elif not self.new_version:
                parts.append(f"reviewed version {self.old_version} removed")
            else:
                parts.append(f"reviewed version {self.old_version} → {self.new_version}")
        return ", ".join(parts)

    @property
    def summary(self) -> str:
        """The persona and the change: "Skeptic: skip → ship, 45 → 71" (no date)."""
        return f"{self.persona.name}: {self.description}"


def _differs(before, after) -> bool:
    return any(getattr(before, name) != getattr(after, name) for name in TRACKED_FIELDS)


def changes_of_one_take(records) -> list[TakeChange]:
    """The changes told by one take's history records, oldest first.

    records: that take's records oldest first, each with history_date,
    history_type, tool_id, persona and the TRACKED_FIELDS. A save that changed
    none of the tracked fields is no change. The oldest record is the take's
    first take when it records the creation; a record of a later change (history
    that started after the take) only sets the starting point.
    """
    changes = []
    previous = None
    for record in records:
        if record.history_type == _DELETED:
            kind = ChangeKind.WITHDRAWN
        elif previous is None or record.history_type == _CREATED:
            kind = ChangeKind.FIRST_TAKE if record.history_type == _CREATED else None
        elif _differs(previous, record):
            kind = ChangeKind.REVISED
        else:
            kind = None
        if kind is not None:
            # A deletion's record holds the take as it was when withdrawn.
            before = {
                ChangeKind.FIRST_TAKE: None,
                ChangeKind.REVISED: previous,
                ChangeKind.WITHDRAWN: record,
            }[kind]
            after = record if kind != ChangeKind.WITHDRAWN else None
            changes.append(
                TakeChange(
                    date=record.history_date,
                    kind=kind,
                    tool_id=record.tool_id,
                    persona=record.persona,
                    old_call=before.call if before else None,
                    new_call=after.call if after else None,
                    old_score=before.score if before else None,
                    new_score=after.score if after else None,
                    text_revised=bool(before and after and before.body != after.body),
                    old_version=before.reviewed_version if before else "",
                    new_version=after.reviewed_version if after else "",
                )
            )
        previous = record if record.history_type != _DELETED else None
    return changes


def newest_first(changes) -> list[TakeChange]:
    """Newest first; changes of one moment (the seed's) in panel order."""
    return sorted(changes, key=lambda change: (-change.date.timestamp(), change.persona.position))


def changes_by_tool(history) -> dict[int, list[TakeChange]]:
    """Tool id -> the changes its takes' records show, oldest first per take.

    history: a queryset of Take.history records, every record of each take it
    names (the one before a period is the starting point of the first change in
    it); ordered and joined to the persona here, so one query.
    """
    records = history.select_related("persona").order_by("id", "history_date", "history_id")
    by_take = defaultdict(list)
    for record in records:
        if record.persona is not None:  # a persona deleted after its withdrawn take
            by_take[record.id].append(record)
    by_tool = defaultdict(list)
    for take_records in by_take.values():
        for change in changes_of_one_take(take_records):
            by_tool[change.tool_id].append(change)
    return by_tool


def load_take_history(tools) -> None:
    """Hang on each tool its verdict timeline, newest first: one query for all tools.

    Records of withdrawn takes are kept, so a withdrawal stays on the timeline.
    Tools already loaded are left alone; no query when every tool is.
    """
    missing = [tool for tool in tools if not hasattr(tool, _TIMELINE_ATTRIBUTE)]
    if not missing:
        return
    by_tool = changes_by_tool(Take.history.filter(tool_id__in={tool.pk for tool in missing}))
    for tool in missing:
        setattr(tool, _TIMELINE_ATTRIBUTE, newest_first(by_tool[tool.pk]))


def verdict_timeline(tool: Tool) -> list[TakeChange]:
    """The tool's take changes, newest first, as load_take_history() left them.

    Raises HistoryNotLoaded when it did not see this tool.
    """
    try:
        return getattr(tool, _TIMELINE_ATTRIBUTE)
    except AttributeError:
        raise HistoryNotLoaded(tool) from None


@dataclass(frozen=True)
class LateChange:
    """A take that changed after a moment (a comparison's publication): its latest change."""

    tool: Tool
    change: TakeChange

    @property
    def verb(self) -> str:
        """What happened to the take, after "Skeptic's take on X …"."""
        return {
            ChangeKind.FIRST_TAKE: "was added",
            ChangeKind.REVISED: "changed",
            ChangeKind.WITHDRAWN: "was withdrawn",
        }[self.change.kind]


def changes_after(tools, moment: datetime) -> list[LateChange]:
    """Each take of these tools that changed after moment, with its latest change,
    newest first. Reads the loaded timelines (load_take_history), no query."""
    latest = {}
    for tool in tools:
        for change in verdict_timeline(tool):
            key = (tool.pk, change.persona.pk)
            if change.date > moment and key not in latest:
                latest[key] = LateChange(tool, change)
    return sorted(latest.values(), key=lambda late: late.change.date, reverse=True)


def record_loaded_take(sender, instance: Take, raw: bool, using: str, **kwargs) -> None:
    """post_save receiver: give a take saved raw (loaddata) the record a save() makes.

    A take without history gets its first record dated at its own created_at
    (the seed's date); a reloaded take whose tracked fields differ from its
    latest record gets a change record dated now.
    """
    if not raw:
        return
    latest = Take.history.using(using).filter(id=instance.pk).order_by("history_date").last()
    if latest is None:
        Take.history.bulk_history_create([instance], default_date=instance.created_at)
    elif latest.history_type == _DELETED or _differs(latest, instance):
        Take.history.bulk_history_create([instance], update=True)
