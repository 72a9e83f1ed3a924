"""The reader's lens: a chosen subset of the panel (?lens=builder,skeptic) from
whose takes a page recomputes every verdict, head-to-head and bottom line.

The query is read here, once: comma-separated persona slugs, or the same
parameter repeated (what a GET form of checkboxes sends). A lens has one
spelling (slugs in panel order, comma-separated, each once); a page redirects
any other spelling to it so caches keep one copy. Choosing every persona, or
none, is no lens at all.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from verdicts.verdict import names_label

LENS_PARAMETER = "lens"
# Longer than every slug list a real panel makes; longer input is refused unread.
MAX_LENS_LENGTH = 2000


class UnknownLens(ValueError):
    """The lens names a persona the panel does not have (or is malformed); the
    message is for the reader."""


@dataclass(frozen=True)
class Lens:
    """The chosen personas (panel order) out of the whole panel."""

    panel: tuple
    chosen: tuple

    @property
    def is_active(self) -> bool:
        return bool(self.chosen) and len(self.chosen) < len(self.panel)

    @property
    def personas(self) -> tuple:
        """Whose takes count: the chosen, or the whole panel without a lens."""
        return self.chosen if self.is_active else self.panel

    @property
    def panel_size(self) -> int:
        """How many personas could have reviewed, as "4 of 6 reviewed" counts them."""
        return len(self.personas)

    @property
    def value(self) -> str:
        """The one spelling of this lens: "builder,skeptic"; "" without a lens."""
        return ",".join(persona.slug for persona in self.chosen) if self.is_active else ""

    @property
    def query_string(self) -> str:
        """ "?lens=builder,skeptic" (the comma kept readable), or "" without a lens."""
        if not self.is_active:
            return ""
        return "?" + urlencode({LENS_PARAMETER: self.value}, safe=",")

    @property
    def label(self) -> str:
        """Whose takes count, for readers: "Builder and Skeptic"."""
        return names_label(persona.name for persona in self.personas)

    def is_chosen(self, persona) -> bool:
        """For the form's checkboxes: every box is ticked without a lens."""
        return persona in self.personas


def read_lens(values: list[str], panel) -> Lens:
    """The lens from the query's values of `lens` and the whole panel (personas in
    panel order, with .slug). Raises UnknownLens naming the first unknown slug."""
    panel = tuple(panel)
    if sum(len(value) for value in values) > MAX_LENS_LENGTH:
        raise UnknownLens("That lens is too long: choose reviewers from the form.")
    asked = {slug.strip() for value in values for slug in value.split(",") if slug.strip()}
    by_slug = {persona.slug: persona for persona in panel}
    unknown = sorted(asked - by_slug.keys())
    if unknown:
        known = ", ".join(by_slug)
        raise UnknownLens(
            f"There is no reviewer “{unknown[0][:40]}” on the panel; "
            f"a lens names reviewers from: {known}."
        )
    return Lens(panel=panel, chosen=tuple(p for p in panel if p.slug in asked))


def lens_spelling(values: list[str]) -> str:
    """The lens as the request spelled it, to compare with Lens.value."""
    return ",".join(values)
