"""The reviewer scorecard: the compared tools' takes lined up persona by persona."""

from dataclasses import dataclass

from verdicts.models import Persona, Take, Tool


@dataclass(frozen=True)
class ScorecardRow:
    """One persona's takes, one per tool in the page's order; None where the
    persona did not review that tool."""

    persona: Persona
    takes: tuple[Take | None, ...]
    # One per take, same order: the take goes against its tool's panel majority
    # (PanelTally.dissenters); False where there is no take.
    dissents: tuple[bool, ...] = ()

    @property
    def cells(self) -> list[tuple[Take | None, bool]]:
        """(take, dissents) per tool, in the page's order."""
        dissents = self.dissents or (False,) * len(self.takes)
        return list(zip(self.takes, dissents, strict=True))


def build_scorecard(tools: list[Tool]) -> list[ScorecardRow]:
    """One row per persona who reviewed any of the tools, in panel order.

    Reads the tools' prefetched takes (with their personas), so it adds no query.
    """
    takes_by_tool = [{take.persona_id: take for take in tool.takes.all()} for tool in tools]
    personas = {take.persona_id: take.persona for takes in takes_by_tool for take in takes.values()}
    ordered = sorted(personas.values(), key=lambda persona: persona.position)
    return [
        ScorecardRow(
            persona,
            tuple(takes.get(persona.pk) for takes in takes_by_tool),
            dissents=tuple(
                persona.pk in takes and tool.panel.is_dissent(persona.name)
                for tool, takes in zip(tools, takes_by_tool, strict=True)
            ),
        )
        for persona in ordered
    ]
