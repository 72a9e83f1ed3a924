"""Readers' forms for browsing tools: the sort and filters of /tools/."""

from django import forms
from django.utils.http import urlencode

from verdicts.models import Tool, Verdict
from verdicts.ranking import PANEL_ORDER, SCORE_ORDER

SORTS = {
    "ship": "Panel ship %",
    "score": "Average score",
    "newest": "Newest",
    "name": "Name",
}


class ToolListForm(forms.Form):
    """Sort and filters from the query string; every field may be left empty."""

    sort = forms.ChoiceField(label="Sort by", choices=SORTS.items(), required=False)
    category = forms.ChoiceField(label="Category", required=False)
    tier = forms.ChoiceField(label="Entry tier", choices=Tool.EntryTier.choices, required=False)
    verdict = forms.ChoiceField(label="Panel verdict", choices=Verdict.choices, required=False)
    page = forms.IntegerField(label="Page", min_value=1, max_value=100_000, required=False)

    def __init__(self, data, categories, *, with_category=True):
        super().__init__(data)
        self.categories = categories
        self.fields["category"].choices = [(c.slug, c.name) for c in categories]
        if not with_category:
            del self.fields["category"]

    def error_message(self) -> str:
        """One sentence naming each bad parameter, for the 400 page."""
        names = ", ".join(self.fields[name].label for name in self.fields if name in self.errors)
        return f"Some filters were not understood ({names}); they are shown reset below."

    def apply(self, tools):
        """Filter and sort a queryset annotated by ToolQuerySet.with_panel_ranking()."""
        data = self.cleaned_data
        if data.get("category"):
            tools = tools.filter(category__slug=data["category"])
        if data.get("tier"):
            tools = tools.filter(entry_tier=data["tier"])
        if data.get("verdict"):
            tools = tools.with_panel_verdict(data["verdict"])
        sort = data.get("sort") or "ship"
        if sort == "newest":
            return tools.order_by("-published_at", "name_sort_key", "pk")
        if sort == "name":
            return tools.order_by("name_sort_key", "pk")
        if sort == "score":
            return tools.order_by(*SCORE_ORDER)
        return tools.order_by(*PANEL_ORDER)

    def query_string(self, **changes) -> str:
        """The current valid filters with some changed, for pagination links."""
        params = {k: v for k, v in (self.cleaned_data or {}).items() if v and k != "page"}
        params.update({k: v for k, v in changes.items() if v})
        return urlencode(params)
