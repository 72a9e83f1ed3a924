"""shiporskip/lib/text_rules.py: which characters one-line and Markdown text may hold."""

import pytest

from shiporskip.lib.text_rules import clean_markdown, clean_one_line, first_unwanted, one_line_error

UNWANTED = {
    "\x00": "a control character (U+0000)",
    "\x07": "a control character (U+0007)",
    "\t": "a control character (U+0009)",
    "\n": "a line break (U+000A)",
    "\x0b": "a line break (U+000B)",
    "\r": "a line break (U+000D)",
    "\x1b": "a control character (U+001B)",
    "\x7f": "a control character (U+007F)",
    "\x85": "a line break (U+0085)",
    "\u00ad": "an invisible formatting character (U+00AD SOFT HYPHEN)",
    "\u200b": "an invisible formatting character (U+200B ZERO WIDTH SPACE)",
    "\u200d": "an invisible formatting character (U+200D ZERO WIDTH JOINER)",
    "\u200e": "an invisible formatting character (U+200E LEFT-TO-RIGHT MARK)",
    "\u2028": "a line break (U+2028)",
    "\u2029": "a line break (U+2029)",
    "\u202e": "an invisible formatting character (U+202E RIGHT-TO-LEFT OVERRIDE)",
    "\u2060": "an invisible formatting character (U+2060 WORD JOINER)",
    "\u2066": "an invisible formatting character (U+2066 LEFT-TO-RIGHT ISOLATE)",
    "\ufeff": "an invisible formatting character (U+FEFF ZERO WIDTH NO-BREAK SPACE)",
}


@pytest.mark.parametrize(("char", "description"), UNWANTED.items())
def test_it_names_each_unwanted_character_in_one_line_text(char, description):
    assert first_unwanted(f"Cursor{char}Pro") == char
    assert one_line_error("Name", f"Cursor{char}Pro") == (
        f"Name contains {description}; name must be one line of visible text."
    )


def test_visible_text_in_any_script_is_one_line_text():
    for text in [
        "Aider 1.0",
        "Café crème",
        "Кодер",
        "コード補完",
        "\u05e2\u05d1\u05e8\u05d9\u05ea",
        "🚀 Ship it",
        "a\u00a0b",
    ]:
        assert first_unwanted(text) is None
        assert one_line_error("Name", text) is None


def test_cleaning_one_line_text_turns_each_bad_character_into_one_space():
    assert clean_one_line("Name\r\nBcc: someone@example.net") == "Name Bcc: someone@example.net"
    assert clean_one_line("\u200bZero\u200b\u200bwidth\x0b ") == "Zero width"
    assert clean_one_line("fine") == "fine"


def test_markdown_keeps_newlines_and_tabs_and_drops_other_controls():
    assert clean_markdown("one\r\ntwo\rthree\u2028four") == "one\ntwo\nthree\nfour"
    assert clean_markdown("a\tb\x0bc\x00d\x1be\x85f\n") == "a\tbcdef\n"
    # Formatting characters carry meaning in Markdown text (emoji sequences, RTL text).
    assert (
        clean_markdown("👩\u200d💻 \u200f\u05e2\u05d1\u05e8\u05d9\u05ea")
        == "👩\u200d💻 \u200f\u05e2\u05d1\u05e8\u05d9\u05ea"
    )
