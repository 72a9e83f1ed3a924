"""Reading rendered pages the way a reader does: as text, region by region."""

import re
from html import unescape
from html.parser import HTMLParser

INLINE = {
    "a",
    "abbr",
    "b",
    "bdi",
    "code",
    "em",
    "i",
    "span",
    "strong",
    "sub",
    "sup",
    "del",
    "meter",
}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1
        if tag not in INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1
        if tag not in INLINE:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    """Visible text with whitespace folded to single spaces."""
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", unescape("".join(parser.parts))).strip()


def region(html: str, start_id: str, end_id: str | None = None) -> str:
    """The HTML from the element with id start_id to the one with end_id (or </main>)."""
    start = html.index(f'id="{start_id}"')
    end = html.index(f'id="{end_id}"', start) if end_id else html.index("</main>", start)
    return html[start:end]


def assert_in_order(text: str, fragments: list[str]):
    position = 0
    for fragment in fragments:
        found = text.find(fragment, position)
        assert found != -1, (
            f"{fragment!r} missing after position {position}: {text[position : position + 300]!r}"
        )
        position = found + len(fragment)


def without_csrf(content: bytes | str) -> str:
    """A page with its CSRF token values blanked: they are re-masked on every response."""
    html = content.decode() if isinstance(content, bytes) else content
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
