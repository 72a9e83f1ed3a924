"""Repair comparison intros stored before the Markdown rule existed: the source
and its rendered HTML lose every control character but newline and tab (CR LF
and CR become LF). A frozen copy of shiporskip/lib/text_rules.py's rule as it was."""

import re
import unicodedata

from django.db import migrations

MARKDOWN_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")


def clean_markdown(text):
    text = MARKDOWN_LINE_BREAKS.sub("\n", text)
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")


def clean_stored_intros(apps, schema_editor):
    Comparison = apps.get_model("comparisons", "Comparison")
    for pk, intro, intro_html in Comparison.objects.values_list(
        "pk", "intro", "intro_html"
    ).iterator():
        cleaned = {"intro": clean_markdown(intro), "intro_html": clean_markdown(intro_html)}
        if cleaned != {"intro": intro, "intro_html": intro_html}:
            # update(): no save() or signal, so the row is repaired as it is.
            Comparison.objects.filter(pk=pk).update(**cleaned)


class Migration(migrations.Migration):
    dependencies = [("comparisons", "0002_one_line_and_markdown_text")]

    operations = [migrations.RunPython(clean_stored_intros, migrations.RunPython.noop)]
