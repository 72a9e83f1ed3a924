"""Model fields for editors' text, guarded on every write path.

OneLineCharField, OneLineSlugField and OneLineTextField refuse what
shiporskip.lib.text_rules calls unwanted in one-line text; MarkdownTextField drops
the control characters Markdown has no use for. The rules run

- in full_clean() (admin forms, ModelForms): a form error on the field;
- in a pre_save receiver on every model holding such a field, so obj.save() in
  the shell, management commands and fixtures (loaddata saves with raw=True,
  bypassing Model.save() but not the pre_save signal) get them too: one-line
  text raises ValidationError({field name: [message]}), Markdown is cleaned in
  place before it is written.

QuerySet.update() and bulk_create() send no signal: code using them with
editors' text must clean it itself.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.utils.text import capfirst

from shiporskip.lib.text_rules import clean_markdown, one_line_error


class OneLineMixin:
    """One line of visible text: refused otherwise, naming the field and the character."""

    def error_for(self, value) -> str | None:
        if not isinstance(value, str):
            return None
        return one_line_error(capfirst(self.verbose_name), value)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        message = self.error_for(value)
        if message:
            raise ValidationError(message, code="one_line")


class OneLineCharField(OneLineMixin, models.CharField):
    """A CharField holding one line of visible text."""


class OneLineSlugField(OneLineMixin, models.SlugField):
    """A SlugField that also refuses unwanted characters on a plain save()."""


class OneLineTextField(OneLineMixin, models.TextField):
    """Unbounded one-line text (pricing, persona fields): a one-line input in forms."""

    def formfield(self, **kwargs):
        # The admin offers every TextField a textarea; this one is a single line.
        widget = kwargs.get("widget")
        if (
            widget is None
            or isinstance(widget, forms.Textarea)
            or (isinstance(widget, type) and issubclass(widget, forms.Textarea))
        ):
            kwargs["widget"] = forms.TextInput(attrs={"class": "vTextField"})
        return super().formfield(**kwargs)


class MarkdownTextField(models.TextField):
    """Markdown source: newlines and tabs kept, other control characters dropped."""


def guard_editor_text(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save receiver: clean Markdown fields, refuse unwanted one-line text.

    Raises ValidationError mapping each refused field's name to its message.
    """
    errors = {}
    for field in sender._meta.concrete_fields:
        if update_fields is not None and field.name not in update_fields:
            continue
        if field.attname not in instance.__dict__:
            continue  # deferred: not written by this save, and reading it costs a query
        value = instance.__dict__[field.attname]
        if not isinstance(value, str):
            continue
        if isinstance(field, MarkdownTextField):
            setattr(instance, field.attname, clean_markdown(value))
        elif isinstance(field, OneLineMixin):
            message = field.error_for(value)
            if message:
                errors[field.name] = [message]
    if errors:
        raise ValidationError(errors)


# Every model, historical ones in data migrations too; models without these
# fields pay one loop over their fields.
pre_save.connect(guard_editor_text, dispatch_uid="shiporskip.lib.text_fields.guard_editor_text")
