"""The "compare tools" picker: two to four tool slugs from the query string
(a, b required; c, d the optional "add a tool" selects)."""

from django import forms
from django.utils.functional import cached_property
from markupsafe import Markup, escape

from comparisons.models import MAX_TOOLS

REQUIRED_FIELDS = ("a", "b")
OPTIONAL_FIELDS = ("c", "d")
PICKER_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS


class PairPickerForm(forms.Form):
    a = forms.ChoiceField(label="First tool")
    b = forms.ChoiceField(label="Second tool")
    c = forms.ChoiceField(label="Third tool (optional)", required=False)
    d = forms.ChoiceField(label="Fourth tool (optional)", required=False)

    def __init__(self, data, tools):
        super().__init__(data)
        self.tools = tools
        self.by_slug = {tool.slug: tool for tool in tools}
        for name in PICKER_FIELDS:
            # A callable: read only when a filled form is validated, not on every
            # page that shows the picker (four selects of PICKER_TOOLS tools).
            self.fields[name].choices = self._choices
            self.fields[name].error_messages.update(
                required="choose a tool from the list.",
                invalid_choice="we have no published tool “%(value)s”; choose one from the list.",
            )

    def _choices(self):
        return [(tool.slug, tool.name) for tool in self.tools]

    @cached_property
    def _options(self) -> str:
        return "".join(
            f'<option value="{escape(tool.slug)}">{escape(tool.name)}</option>'
            for tool in self.tools
        )

    def options_html(self, name: str) -> Markup:
        """The `<option>`s of select `name`: every tool, the one to keep (selected())
        marked selected. The list is built once per form and shared by its
        selects: four loops over PICKER_TOOLS tools in the template cost /compare/
        a third of its time at scale (bench/COLD_PATH.md)."""
        options, chosen = self._options, self.selected(name)
        if chosen:
            option = f'<option value="{escape(chosen)}">'
            options = options.replace(option, f"{option[:-1]} selected>", 1)
        return Markup(options)  # noqa: S704 - every value in it is escaped above

    def _tool(self, name):
        slug = self.cleaned_data[name]
        return self.by_slug[slug] if slug else None

    def clean_a(self):
        return self._tool("a")

    def clean_b(self):
        return self._tool("b")

    def clean_c(self):
        return self._tool("c")

    def clean_d(self):
        return self._tool("d")

    def clean(self):
        data = super().clean()
        chosen = self.chosen_tools()
        if len({tool.pk for tool in chosen}) != len(chosen):
            message = (
                "Pick two different tools to compare."
                if len(chosen) == 2
                else f"Pick {len(chosen)} different tools to compare: a tool can appear once."
            )
            raise forms.ValidationError(message)
        return data

    def chosen_tools(self) -> list:
        """The valid tools chosen, in the order of the selects (at most MAX_TOOLS);
        a fourth without a third simply comes third."""
        data = getattr(self, "cleaned_data", {})
        return [data[name] for name in PICKER_FIELDS if data.get(name)][:MAX_TOOLS]

    def given(self) -> list[str]:
        """The names of the selects the reader filled."""
        return [name for name in PICKER_FIELDS if self.data.get(name)]

    def adds_tools(self) -> bool:
        """The reader filled a third or fourth select (valid or not): keep them in view."""
        return any(self.data.get(name) for name in OPTIONAL_FIELDS)

    def error_message(self) -> str:
        """Every problem in one or two sentences, for the 400 page."""
        messages = [*self.non_field_errors()]
        for name in PICKER_FIELDS:
            label = self.fields[name].label
            messages += [f"{label}: {error}" for error in self.errors.get(name, [])]
        return " ".join(messages)

    def selected(self, name: str) -> str:
        """The slug to keep selected when the form is shown again."""
        value = self.data.get(name, "") if self.is_bound else ""
        return value if value in self.by_slug else ""
