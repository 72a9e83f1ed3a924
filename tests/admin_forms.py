"""Filling in the admin's own forms the way a browser does.

admin_form() reads every field of the page's change form with the value a
browser would submit untouched (management forms, hidden initials, each take
row's preselected persona); submit() changes the named fields, then posts.
"""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str | list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_multiple = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            self._select_multiple = "multiple" in attrs
            if self._select_multiple:
                self.fields[name] = []
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                if self._select_multiple:
                    self.fields[self._select].append(value)
                else:
                    self.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            # A single select with nothing selected submits its first option.
            unset = not self._select_multiple and self._select not in self.fields
            if unset and self._select_first is not None:
                self.fields[self._select] = self._select_first
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the one newline that follows <textarea>.
            self.fields[self._textarea] = "".join(self._text).removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def admin_form(client, url) -> dict:
    """The fields of the change form at url, as a browser would submit them."""
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} gave {response.status_code}"
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.fields


def submit(client, url, changes: dict, button: str = "_save"):
    """Open the form at url, change the given fields and press a save button."""
    fields = {**admin_form(client, url), **changes, button: "Save"}
    return client.post(url, {k: v for k, v in fields.items() if v is not None})
