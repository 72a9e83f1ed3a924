"""The verdict arithmetic, in one place.

Pages, JSON, emails and the admin all read panel, community and verified
readers' figures from these small value objects, so a number can never differ
between them. Two settings bound what a figure may claim: VERDICT_MIN_TAKES
(below it the panel's verdict is preliminary) and COMMUNITY_MIN_VOTES (below it
readers' votes, anonymous or verified, are shown as counts, never as a
percentage).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings

from verdicts.vocabulary import Call, Verdict


def _percent(part: int, whole: int) -> int:
    """part / whole as a whole percent, rounded half up (87.5 -> 88: Python's
    round() would give banker's rounding), and never 100 or 0 unless unanimous:
    199 of 200 is 99, 1 of 202 is 1. verdicts/ranking.py repeats it in SQL."""
    rounded = (part * 200 + whole) // (whole * 2)
    if 0 < part < whole:
        return min(max(rounded, 1), 99)
    return rounded


def _min_takes() -> int:
    return settings.VERDICT_MIN_TAKES


def _min_votes() -> int:
    return settings.COMMUNITY_MIN_VOTES


def names_label(names) -> str:
    """ "Skeptic", "Builder and Founder", "Builder, PM and Founder"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class _ShipSkipCounts:
    """Ship and skip calls on one tool, and the ship % both tallies report."""

    ship: int
    skip: int

    @property
    def total(self) -> int:
        return self.ship + self.skip

    @property
    def ship_percent(self) -> int | None:
        """Ship calls over all calls (_percent's rounding); None without a call."""
        return _percent(self.ship, self.total) if self.total else None

    @property
    def percent_label(self) -> str:
        return "—" if self.ship_percent is None else f"{self.ship_percent}%"


@dataclass(frozen=True)
class PanelTally(_ShipSkipCounts):
    """The reviewer panel on one tool: how many takes say ship and skip.

    dissenters: names of the personas whose call goes against the majority, in
    panel order; known only when the tally was counted from the takes
    (panel_from_takes), empty when it came from SQL counts. min_takes: below it
    the verdict is preliminary (settings.VERDICT_MIN_TAKES unless given).
    """

    dissenters: tuple[str, ...] = ()
    min_takes: int = field(default_factory=_min_takes, compare=False)

    @property
    def verdict(self) -> Verdict:
        """More ship than skip takes is Ship, fewer is Skip, as many is Split.

        Pages show verdict.label ("Ship", "No panel yet"); styling, filters and
        JSON's verdict_key use its value ("ship", "none").
        """
        if not self.total:
            return Verdict.NONE
        if self.ship > self.skip:
            return Verdict.SHIP
        if self.ship < self.skip:
            return Verdict.SKIP
        return Verdict.SPLIT

    @property
    def is_preliminary(self) -> bool:
        """Some takes, but fewer than the minimum a settled verdict needs."""
        return 0 < self.total < self.min_takes

    @property
    def verdict_label(self) -> str:
        """The verdict's word, marked when preliminary: "Ship (preliminary)"."""
        label = self.verdict.label
        return f"{label} (preliminary)" if self.is_preliminary else label

    @property
    def counts_label(self) -> str:
        return f"{self.ship} ship / {self.skip} skip"

    @property
    def dissent_label(self) -> str:
        """ "Skeptic dissents", "Skeptic and PM dissent", or ""."""
        if not self.dissenters:
            return ""
        verb = "dissents" if len(self.dissenters) == 1 else "dissent"
        return f"{names_label(self.dissenters)} {verb}"

    @property
    def summary(self) -> str:
        """The decision-table line, e.g. "Ship · 3 ship / 1 skip · Skeptic dissents"."""
        if not self.total:
            return Verdict.NONE.label
        parts = [self.verdict_label, self.counts_label]
        if self.dissent_label:
            parts.append(self.dissent_label)
        return " · ".join(parts)

    def is_dissent(self, persona_name: str) -> bool:
        """Whether this persona's take goes against the panel's majority."""
        return persona_name in self.dissenters

    def reviewed_label(self, panel_size: int) -> str:
        """How much of the panel spoke: "4 of 6 reviewed"."""
        return f"{self.total} of {panel_size} reviewed"


def panel_from_takes(takes) -> PanelTally:
    """The tally of takes (each with .call and .persona.name), naming dissenters:
    takes whose call goes against the majority. A split has no majority, so no
    dissent. Takes come in panel order, and so do the names."""
    return panel_from_calls((take.call, take.persona.name) for take in takes)


def panel_from_calls(calls) -> PanelTally:
    """panel_from_takes() of (call, persona name) pairs in panel order."""
    calls = list(calls)
    ship = sum(1 for call, _ in calls if call == Call.SHIP)
    skip = len(calls) - ship
    majority = Call.SHIP if ship > skip else Call.SKIP if skip > ship else None
    dissenters = tuple(name for call, name in calls if majority is not None and call != majority)
    return PanelTally(ship=ship, skip=skip, dissenters=dissenters)


@dataclass(frozen=True)
class CommunityTally(_ShipSkipCounts):
    """Readers' ship/skip votes on one tool.

    A percentage of a handful of votes would claim more than it knows: below
    min_votes (settings.COMMUNITY_MIN_VOTES unless given) only the counts show.
    """

    min_votes: int = field(default_factory=_min_votes, compare=False)

    NONE = "No community votes yet"

    def as_dict(self) -> dict:
        """The figures and the words every page shows for this tally, for the
        vote's JSON answer: a script places these strings, it computes nothing."""
        return {
            "ship": self.ship,
            "skip": self.skip,
            "total": self.total,
            "ship_percent": self.ship_percent,
            "percent_label": self.percent_label,
            "has_enough_votes": self.has_enough_votes,
            "min_votes": self.min_votes,
            "summary": self.summary,
        }

    @property
    def has_enough_votes(self) -> bool:
        return self.total >= max(self.min_votes, 1)

    @property
    def ship_percent(self) -> int | None:
        """The ship %, or None below the minimum of votes."""
        return super().ship_percent if self.has_enough_votes else None

    @property
    def counts_label(self) -> str:
        return f"{self.ship} ship, {self.skip} skip"

    @property
    def percent_label(self) -> str:
        """ "64%" from the minimum of votes; below it the counts, "3 ship, 1 skip"."""
        if not self.total:
            return "—"
        return f"{self.ship_percent}%" if self.has_enough_votes else self.counts_label

    @property
    def summary(self) -> str:
        """e.g. "64% ship · 25 votes", "3 ship, 1 skip", or "No community votes yet"."""
        if not self.total:
            return self.NONE
        if not self.has_enough_votes:
            return self.counts_label
        noun = "vote" if self.total == 1 else "votes"
        return f"{self.ship_percent}% ship · {self.total} {noun}"


@dataclass(frozen=True)
class VerifiedTally(CommunityTally):
    """Verified readers' ship/skip votes on one tool: one per confirmed subscriber,
    cast from the signed link in their issue (newsletter/verified.py). Kept apart
    from the anonymous CommunityTally and held to the same minimum sample."""

    NONE = "No verified votes yet"


@dataclass(frozen=True)
class PanelScores:
    """The panel's known 0-100 scores on one tool. Unscored takes are left out of
    the average and counted apart: a score is never guessed."""

    scores: tuple[int, ...]
    unscored: int
    # As few scores as takes make a preliminary verdict make a preliminary average.
    min_scores: int = field(default_factory=_min_takes, compare=False)

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def is_preliminary(self) -> bool:
        """Some known scores, but fewer than VERDICT_MIN_TAKES."""
        return 0 < self.count < self.min_scores

    @property
    def exact_mean(self) -> Fraction | None:
        """The exact average known score, as lists sort by it; None without one."""
        return Fraction(sum(self.scores), len(self.scores)) if self.scores else None

    @property
    def mean(self) -> Decimal | None:
        """The average known score to one decimal, rounded half up; None without one."""
        if not self.scores:
            return None
        exact = Decimal(sum(self.scores)) / Decimal(len(self.scores))
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def mean_number(self) -> str | None:
        """The mean as readers see it: "83.5", "80" (no ".0"); None without one."""
        if self.mean is None:
            return None
        return f"{self.mean.normalize() if self.mean == self.mean.to_integral() else self.mean:f}"

    @property
    def mean_label(self) -> str:
        if self.mean is None:
            return "No scored takes"
        noun = "scored take" if self.count == 1 else "scored takes"
        label = f"{self.mean_number}/100 from {self.count} {noun}"
        return f"{label} ({self.unscored} unscored)" if self.unscored else label


def panel_sort_key(panel: PanelTally, scores: PanelScores, name: str) -> tuple:
    """Where a tool stands in a list sorted by the panel: highest ship % first,
    ties broken by the higher exact average score, then by name (ASCII case
    folded, as verdicts/ranking.NameSortKey); no takes, or no score, last.
    verdicts/ranking.PANEL_ORDER is the same rule in SQL."""
    percent, mean = panel.ship_percent, scores.exact_mean
    return (
        percent is None,
        -(percent or 0),
        mean is None,
        -(mean or 0),
        name.encode("utf-8").lower(),
    )


def score_sort_key(panel: PanelTally, scores: PanelScores, name: str) -> tuple:
    """A list sorted by average score: highest exact mean first, then ship %,
    then name; tools without a score last. verdicts/ranking.SCORE_ORDER in SQL."""
    percent, mean = panel.ship_percent, scores.exact_mean
    return (
        mean is None,
        -(mean or 0),
        percent is None,
        -(percent or 0),
        name.encode("utf-8").lower(),
    )


@dataclass(frozen=True)
class PanelReaderGap:
    """How far readers' ship % sits from the panel's, in percentage points."""

    panel_percent: int
    readers_percent: int

    @property
    def points(self) -> int:
        """Readers minus panel: negative when readers are cooler."""
        return self.readers_percent - self.panel_percent

    @property
    def label(self) -> str:
        """ "Readers are 30 points cooler than the panel", "… warmer …", or agreement."""
        if self.points == 0:
            return f"Readers agree with the panel ({self.panel_percent}% ship)"
        noun = "point" if abs(self.points) == 1 else "points"
        mood = "cooler" if self.points < 0 else "warmer"
        return f"Readers are {abs(self.points)} {noun} {mood} than the panel"


def panel_reader_gap(panel: PanelTally, community: CommunityTally) -> PanelReaderGap | None:
    """The gap once both have spoken: a settled (not preliminary) panel and at
    least the minimum of reader votes; None otherwise."""
    if not panel.total or panel.is_preliminary or community.ship_percent is None:
        return None
    return PanelReaderGap(panel_percent=panel.ship_percent, readers_percent=community.ship_percent)


def panel_reader_gap_label(panel: PanelTally, community: CommunityTally) -> str:
    """The gap's words, or why there is none yet."""
    gap = panel_reader_gap(panel, community)
    if gap is not None:
        return gap.label
    if not panel.total or panel.is_preliminary:
        return "Too few panel takes to compare with readers"
    return f"Too few reader votes to compare (fewer than {community.min_votes})"
