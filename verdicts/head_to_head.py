"""Head-to-head: which of two tools each persona favours, and the bottom line.

Works on two tools' takes (pairwise), so a page of three or four tools loops
over its pairs; bottom_line() takes the list of tools and reads every pair.
Each take needs .persona (with .name, .slug, .position), .score (0-100 or None)
and .call; a tool needs .name and its takes prefetched (tool.takes.all()). A
persona who reviewed only one of the two is left out: there is nothing to
compare. Scores decide; when a score is unknown, calls decide (ship beats
skip); when neither separates them, the persona favours neither, never a guess.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

from verdicts.verdict import names_label
from verdicts.vocabulary import Call


@dataclass(frozen=True)
class PersonaPick:
    """One persona's pick between tool A and tool B.

    favours: 0 (A), 1 (B) or None (neither); margin: the score difference in
    points for the favoured tool (0 when level), None when a score is unknown.
    """

    persona: object
    favours: int | None
    margin: int | None
    tool_names: tuple[str, str]

    @property
    def by_score(self) -> bool:
        """Both scores are known (the margin may be 0 when they are level)."""
        return self.margin is not None

    @property
    def decided_by(self) -> str | None:
        """ "score" when the scores part them, "call" when only the calls do, else None."""
        if self.favours is None:
            return None
        return "score" if self.margin else "call"

    @property
    def label(self) -> str:
        """ "Favours Claude by 3 points", "Favours Claude on the call (ship against
        skip)", "Level on score", or "Neither: …" when nothing parts them."""
        if self.favours is None:
            if self.by_score:
                return "Level on score and call"
            return "Neither: the same call and no scores to part them"
        name = self.tool_names[self.favours]
        if self.decided_by == "score":
            noun = "point" if self.margin == 1 else "points"
            return f"Favours {name} by {self.margin} {noun}"
        return f"Favours {name} on the call (ship against skip)"


def persona_pick(take_a, take_b, tool_names: tuple[str, str]) -> PersonaPick:
    """The persona's pick from their takes on A and B (both present)."""
    if take_a.score is not None and take_b.score is not None and take_a.score != take_b.score:
        favours = 0 if take_a.score > take_b.score else 1
        return PersonaPick(take_a.persona, favours, abs(take_a.score - take_b.score), tool_names)
    if take_a.call != take_b.call:
        favours = 0 if take_a.call == Call.SHIP else 1
        margin = 0 if take_a.score is not None and take_b.score is not None else None
        return PersonaPick(take_a.persona, favours, margin, tool_names)
    margin = 0 if take_a.score is not None and take_b.score is not None else None
    return PersonaPick(take_a.persona, None, margin, tool_names)


@dataclass(frozen=True)
class HeadToHead:
    """Tool A against tool B, persona by persona (those who reviewed both)."""

    tool_names: tuple[str, str]
    picks: tuple[PersonaPick, ...]

    def favouring(self, side: int) -> list[PersonaPick]:
        return [pick for pick in self.picks if pick.favours == side]

    @property
    def leader(self) -> int | None:
        """The side more personas favour (0 or 1), None when as many favour each."""
        a, b = len(self.favouring(0)), len(self.favouring(1))
        return None if a == b else (0 if a > b else 1)

    @property
    def is_split(self) -> bool:
        """A real split: at least one persona favours each tool."""
        return bool(self.favouring(0)) and bool(self.favouring(1))

    @property
    def average_margin(self) -> Decimal | None:
        """The leader's average score lead over the personas scored on both, to one
        decimal (half up); negative where some favour the other. None without a
        leader or without a persona scored on both."""
        if self.leader is None:
            return None
        sign = 1 if self.leader == 0 else -1
        margins = [
            (pick.margin if pick.favours == 0 else -pick.margin) * sign
            for pick in self.picks
            if pick.by_score
        ]
        if not margins:
            return None
        exact = Decimal(sum(margins)) / Decimal(len(margins))
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def bottom_line(self) -> str:
        """The computed sentence at the top of the page."""
        a, b = self.tool_names
        if not self.picks:
            return f"No persona has reviewed both {a} and {b} yet, so the panel cannot pick."
        if self.is_split:
            return f"The panel is split: {self._side(0)}, {self._side(1)}."
        if self.leader is None:
            noun = "persona" if len(self.picks) == 1 else "personas"
            return (
                f"The panel cannot separate {a} and {b}: "
                f"level on the {len(self.picks)} {noun} who reviewed both."
            )
        favoured = len(self.favouring(self.leader))
        shared = len(self.picks)
        on = (
            f"all {shared} personas"
            if favoured == shared and shared > 1
            else f"{favoured} of {shared} personas"
        )
        if shared == 1:
            on = "the 1 persona"
        line = f"The panel favours {self.tool_names[self.leader]}: {on} who reviewed both"
        margin = self.average_margin
        if margin is not None:
            noun = "point" if margin == 1 else "points"
            line += f", by {_number(margin)} {noun} on average"
        return line + "."

    def _side(self, side: int) -> str:
        """ "Builder and Founder favour A"."""
        picks = self.favouring(side)
        verb = "favours" if len(picks) == 1 else "favour"
        return f"{names_label(p.persona.name for p in picks)} {verb} {self.tool_names[side]}"

    def as_dict(self) -> dict:
        """For JSON: tools by position in "tools", picks in panel order."""
        return {
            "favours": self.leader,
            "split": self.is_split,
            "average_margin": float(self.average_margin)
            if self.average_margin is not None
            else None,
            "bottom_line": self.bottom_line,
            "personas": [
                {
                    "persona": pick.persona.slug,
                    "favours": pick.favours,
                    "margin": pick.margin,
                    "decided_by": pick.decided_by,
                    "label": pick.label,
                }
                for pick in self.picks
            ],
        }


def _number(value: Decimal) -> str:
    return f"{value.normalize() if value == value.to_integral() else value:f}"


def head_to_head(tool_a, tool_b) -> HeadToHead:
    """A against B from their prefetched takes (with personas): no query."""
    takes_b = {take.persona_id: take for take in tool_b.takes.all()}
    names = (tool_a.name, tool_b.name)
    shared = sorted(
        (
            (take, takes_b[take.persona_id])
            for take in tool_a.takes.all()
            if take.persona_id in takes_b
        ),
        key=lambda pair: pair[0].persona.position,
    )
    return HeadToHead(names, tuple(persona_pick(a, b, names) for a, b in shared))


@dataclass(frozen=True)
class BottomLine:
    """The bottom line over two or more tools: every pair's head-to-head, and the
    tool the panel favours over each of the others, if one is."""

    tool_names: tuple[str, ...]
    pairs: tuple[tuple[int, int, HeadToHead], ...]

    @property
    def favoured(self) -> int | None:
        """The index of the tool that leads every pair it is in, else None."""
        for index in range(len(self.tool_names)):
            mine = [(i, j, h2h) for i, j, h2h in self.pairs if index in (i, j)]
            if mine and all(
                h2h.leader is not None and (i, j)[h2h.leader] == index for i, j, h2h in mine
            ):
                return index
        return None

    @property
    def sentence(self) -> str:
        """For two tools, their head-to-head's bottom line; for more, who leads every pair."""
        if len(self.pairs) == 1:
            return self.pairs[0][2].bottom_line
        if self.favoured is None:
            return "No tool is favoured over every other: see each pair below."
        return f"The panel favours {self.tool_names[self.favoured]} over each of the others."


def bottom_line(tools) -> BottomLine:
    """Every pair of tools (in page order) head to head; tools need prefetched takes."""
    tools = list(tools)
    pairs = tuple(
        (i, j, head_to_head(tools[i], tools[j])) for i, j in combinations(range(len(tools)), 2)
    )
    return BottomLine(tuple(tool.name for tool in tools), pairs)
