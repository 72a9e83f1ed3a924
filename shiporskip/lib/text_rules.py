"""Which characters editors' text may hold: the one place for the rules.

One-line text (names, slugs, taglines, pricing, persona and category fields,
an issue's subject) is refused when it holds a control character (Unicode
category Cc), a line break (including U+2028, U+2029 and NEL) or an invisible
formatting character (category Cf: zero-width spaces and joiners, bidi
embeddings, overrides and isolates, the BOM, the soft hyphen, the word
joiner…). Such characters break one-line outputs (feed XML, email headers,
llms.txt lines) or hide what the text says.

Markdown text keeps newlines and tabs (CR LF and CR become LF, as do U+2028
and U+2029) and silently loses every other control character.
"""

import re
import unicodedata

# What str.splitlines() breaks on, Cc or not: each ends a line somewhere.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_MARKDOWN_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")
_MARKDOWN_KEPT = frozenset("\n\t")
_SPACES = re.compile(" {2,}")


def _is_unwanted(char: str) -> bool:
    return char in LINE_BREAKS or unicodedata.category(char) in ("Cc", "Cf")


def describe(char: str) -> str:
    """'a line break (U+000A)', 'a control character (U+0000)' or
    'an invisible formatting character (U+200B ZERO WIDTH SPACE)'."""
    code = f"U+{ord(char):04X}"
    if char in LINE_BREAKS:
        return f"a line break ({code})"
    if unicodedata.category(char) == "Cc":
        return f"a control character ({code})"
    name = unicodedata.name(char, "")
    return f"an invisible formatting character ({code} {name})".replace(" )", ")")


def first_unwanted(text: str) -> str | None:
    """The first character one-line text must not hold, or None when it is clean."""
    return next((char for char in text if _is_unwanted(char)), None)


def one_line_error(label: str, text: str) -> str | None:
    """The editor's error message for one-line text, naming the field (label, as
    shown in forms) and the character; None when the text is clean."""
    char = first_unwanted(text)
    if char is None:
        return None
    return f"{label} contains {describe(char)}; {label.lower()} must be one line of visible text."


def clean_one_line(text: str) -> str:
    """Each unwanted character becomes a space, runs of spaces collapse, ends are
    stripped: how stored rows are repaired."""
    spaced = "".join(" " if _is_unwanted(char) else char for char in text)
    return _SPACES.sub(" ", spaced).strip()


def clean_markdown(text: str) -> str:
    """Line breaks as LF, tabs kept, every other control character dropped."""
    text = _MARKDOWN_LINE_BREAKS.sub("\n", text)
    return "".join(
        char for char in text if char in _MARKDOWN_KEPT or unicodedata.category(char) != "Cc"
    )
