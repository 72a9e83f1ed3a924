"""The embeddable verdict badge: what it says and how wide each half is.

Widths are estimated from the character count (about 6.5px a character at
11px sans-serif) so the SVG needs no font metrics; a little slack is harmless.
"""

import math
from dataclasses import dataclass

from django.conf import settings

from verdicts.verdict import PanelTally
from verdicts.vocabulary import Verdict

CHAR_WIDTH = 6.5
PADDING = 9
COLOURS = {
    Verdict.SHIP: "#0b6b35",
    Verdict.SKIP: "#a3261a",
    Verdict.SPLIT: "#7a5200",
    Verdict.NONE: "#555b66",
}
LABEL_COLOUR = "#1b1d21"


def text_width(text: str) -> int:
    return math.ceil(len(text) * CHAR_WIDTH) + 2 * PADDING


@dataclass(frozen=True)
class Badge:
    """What a tool's badge says (label and message) and its colours and widths in px."""

    tool_name: str
    panel: PanelTally

    @property
    def message(self) -> str:
        if not self.panel.total:
            return self.panel.verdict.label
        return f"{self.panel.verdict.label} · {self.panel.ship_percent}% ship"

    @property
    def label(self) -> str:
        return settings.SITE_NAME

    @property
    def description(self) -> str:
        """Said to screen readers and shown as the tooltip."""
        return f"{self.tool_name} on {settings.SITE_NAME}: {self.message}"

    @property
    def colour(self) -> str:
        return COLOURS[self.panel.verdict]

    @property
    def label_colour(self) -> str:
        return LABEL_COLOUR

    @property
    def label_width(self) -> int:
        return text_width(self.label)

    @property
    def message_width(self) -> int:
        return text_width(self.message)

    @property
    def width(self) -> int:
        return self.label_width + self.message_width
