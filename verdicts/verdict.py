"""The verdict arithmetic, in one place.

Pages, JSON, emails and the admin all read panel and community figures from
these two small value objects, so a number can never differ between them.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from verdicts.vocabulary import Verdict


def _percent(part: int, whole: int) -> int:
    # Round half up (87.5 -> 88): Python's round() would give banker's rounding.
    return (part * 200 + whole) // (whole * 2)


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
        """Ship calls over all calls, rounded half up; None without a call."""
        return _percent(self.ship, self.total) if self.total else None

    @property
    def percent_label(self) -> str:
        return "—" if self.ship_percent is None else f"{self.ship_percent}%"


@dataclass(frozen=True)
class PanelTally(_ShipSkipCounts):
    """The reviewer panel on one tool: how many takes say ship and skip."""

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
    def counts_label(self) -> str:
        return f"{self.ship} ship / {self.skip} skip"

    @property
    def summary(self) -> str:
        """The decision-table line, e.g. "Ship · 3 ship / 1 skip"."""
        if not self.total:
            return Verdict.NONE.label
        return f"{self.verdict.label} · {self.counts_label}"


@dataclass(frozen=True)
class CommunityTally(_ShipSkipCounts):
    """Readers' ship/skip votes on one tool."""

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
            "summary": self.summary,
        }

    @property
    def summary(self) -> str:
        """e.g. "64% ship · 25 votes", or "No community votes yet"."""
        if not self.total:
            return self.NONE
        noun = "vote" if self.total == 1 else "votes"
        return f"{self.ship_percent}% ship · {self.total} {noun}"


@dataclass(frozen=True)
class PanelScores:
    """The panel's known 0-100 scores on one tool. Unscored takes are left out of
    the average and counted apart: a score is never guessed."""

    scores: tuple[int, ...]
    unscored: int

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def mean(self) -> Decimal | None:
        """The average known score to one decimal, rounded half up; None without one."""
        if not self.scores:
            return None
        exact = Decimal(sum(self.scores)) / Decimal(len(self.scores))
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def mean_label(self) -> str:
        if self.mean is None:
            return "No scored takes"
        mean = self.mean.normalize() if self.mean == self.mean.to_integral() else self.mean
        noun = "scored take" if self.count == 1 else "scored takes"
        label = f"{mean:f}/100 from {self.count} {noun}"
        return f"{label} ({self.unscored} unscored)" if self.unscored else label
