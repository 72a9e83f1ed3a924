"""The reviewer scorecard: two tools' takes lined up persona by persona."""

from dataclasses import dataclass

from verdicts.models import Persona, Take, Tool


@dataclass(frozen=True)
class ScorecardRow:
    persona: Persona
    take_a: Take | None
    take_b: Take | None
    # The take goes against its tool's panel majority (PanelTally.dissenters).
    dissent_a: bool = False
    dissent_b: bool = False


def build_scorecard(tool_a: Tool, tool_b: Tool) -> list[ScorecardRow]:
    """One row per persona who reviewed either tool, in panel order.

    Reads the tools' prefetched takes (with their personas), so it adds no query.
    """
    takes_a = {take.persona_id: take for take in tool_a.takes.all()}
    takes_b = {take.persona_id: take for take in tool_b.takes.all()}
    personas = {take.persona_id: take.persona for take in [*takes_a.values(), *takes_b.values()]}
    ordered = sorted(personas.values(), key=lambda persona: persona.position)
    return [
        ScorecardRow(
            persona,
            takes_a.get(persona.pk),
            takes_b.get(persona.pk),
            dissent_a=persona.pk in takes_a and tool_a.panel.is_dissent(persona.name),
            dissent_b=persona.pk in takes_b and tool_b.panel.is_dissent(persona.name),
        )
        for persona in ordered
    ]
