"""The "compare any two tools" picker: two tool slugs from the query string."""

from django import forms


class PairPickerForm(forms.Form):
    a = forms.ChoiceField(label="First tool")
    b = forms.ChoiceField(label="Second tool")

    def __init__(self, data, tools):
        super().__init__(data)
        self.tools = tools
        self.by_slug = {tool.slug: tool for tool in tools}
        for name in ("a", "b"):
            self.fields[name].choices = [(tool.slug, tool.name) for tool in tools]
            self.fields[name].error_messages.update(
                required="choose a tool from the list.",
                invalid_choice="we have no published tool “%(value)s”; choose one from the list.",
            )

    def clean_a(self):
        return self.by_slug[self.cleaned_data["a"]]

    def clean_b(self):
        return self.by_slug[self.cleaned_data["b"]]

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise forms.ValidationError("Pick two different tools to compare.")
        return data

    def error_message(self) -> str:
        """Every problem in one or two sentences, for the 400 page."""
        messages = [*self.non_field_errors()]
        for name in ("a", "b"):
            label = self.fields[name].label
            messages += [f"{label}: {error}" for error in self.errors.get(name, [])]
        return " ".join(messages)

    def selected(self, name: str) -> str:
        """The slug to keep selected when the form is shown again."""
        value = self.data.get(name, "") if self.is_bound else ""
        return value if value in self.by_slug else ""
