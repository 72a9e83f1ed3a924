"""Readers' forms for browsing tools: the sort, filters and page cursor of /tools/."""

from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils.http import urlencode

from shiporskip.lib.keyset import MAX_CURSOR_CHARS, Key, Ordering
from verdicts.models import Tool, Verdict

SORTS = {
    "ship": "Panel ship %",
    "score": "Average score",
    "newest": "Newest",
    "name": "Name",
}

# Each sort as a total order that keyset pages read from an index (Tool.Meta.indexes).
_NAME = (Key("name_sort_key", str), Key("pk", int))
ORDERINGS = {
    # ranking.PANEL_ORDER, column by column.
    "ship": Ordering(
        "ship",
        (
            Key("panel_ship_percent", int, descending=True, nullable=True),
            Key("panel_average_score", Decimal, descending=True, nullable=True),
            *_NAME,
        ),
    ),
    # ranking.SCORE_ORDER, column by column.
    "score": Ordering(
        "score",
        (
            Key("panel_average_score", Decimal, descending=True, nullable=True),
            Key("panel_ship_percent", int, descending=True, nullable=True),
            *_NAME,
        ),
    ),
    "newest": Ordering("newest", (Key("published_at", datetime, descending=True), *_NAME)),
    "name": Ordering("name", _NAME),
}


class ToolListForm(forms.Form):
    """Sort and filters from the query string; every field may be left empty."""

    sort = forms.ChoiceField(label="Sort by", choices=SORTS.items(), required=False)
    category = forms.ChoiceField(label="Category", required=False)
    tier = forms.ChoiceField(label="Entry tier", choices=Tool.EntryTier.choices, required=False)
    verdict = forms.ChoiceField(label="Panel verdict", choices=Verdict.choices, required=False)
    # Keyset cursors (shiporskip/lib/keyset.py), read by the view.
    after = forms.CharField(max_length=MAX_CURSOR_CHARS, required=False, strip=False)
    before = forms.CharField(max_length=MAX_CURSOR_CHARS, required=False, strip=False)

    def __init__(self, data, categories, *, with_category=True):
        super().__init__(data)
        self.categories = categories
        self.fields["category"].choices = [(c.slug, c.name) for c in categories]
        if not with_category:
            del self.fields["category"]
        self.fields["after"].label = self.fields["before"].label = "Page"

    def error_message(self) -> str:
        """One sentence naming each bad parameter, for the 400 page."""
        names = ", ".join(
            dict.fromkeys(self.fields[name].label for name in self.fields if name in self.errors)
        )
        return f"Some filters were not understood ({names}); they are shown reset below."

    def apply(self, tools):
        """Filter a queryset annotated by ToolQuerySet.with_panel_ranking(); the
        order is self.ordering()'s."""
        data = self.cleaned_data
        if data.get("category"):
            tools = tools.filter(category__slug=data["category"])
        if data.get("tier"):
            tools = tools.filter(entry_tier=data["tier"])
        if data.get("verdict"):
            tools = tools.with_panel_verdict(data["verdict"])
        return tools

    def ordering(self) -> Ordering:
        return ORDERINGS[self.cleaned_data.get("sort") or "ship"]

    def query_string(self, **changes) -> str:
        """The current valid filters with some changed, for pagination links."""
        params = {
            k: v for k, v in (self.cleaned_data or {}).items() if v and k not in ("after", "before")
        }
        params.update({k: v for k, v in changes.items() if v})
        return urlencode(params)
