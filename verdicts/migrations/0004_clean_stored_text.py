"""Repair text stored before the one-line and Markdown rules existed.

One-line fields: each unwanted character (control, line break, invisible
formatting) becomes a space, runs of spaces collapse, ends are stripped; in a
slug the characters are dropped. Markdown fields and their rendered HTML lose
every control character but newline and tab (CR LF and CR become LF). A unique
value that would clash with another row's gets the row's id appended, so no row
is lost. The rules are a frozen copy of shiporskip/lib/text_rules.py as it was.
"""

import re
import unicodedata

from django.db import migrations

LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
SPACES = re.compile(" {2,}")
MARKDOWN_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")

ONE_LINE = {
    "Category": ["name", "description"],
    "Tool": ["name", "logo_initial", "tagline", "pricing"],
    "Persona": ["name", "motto", "lens", "excited_by", "tired_of"],
}
SLUGS = {"Category": ["slug"], "Tool": ["slug"], "Persona": ["slug"]}
MARKDOWN = {"Tool": ["description", "description_html"], "Take": ["body", "body_html"]}
UNIQUE = {"name", "slug"}


def unwanted(char):
    return char in LINE_BREAKS or unicodedata.category(char) in ("Cc", "Cf")


def clean_one_line(text):
    spaced = "".join(" " if unwanted(char) else char for char in text)
    return SPACES.sub(" ", spaced).strip()


def clean_slug(text):
    return "".join(char for char in text if not unwanted(char))


def clean_markdown(text):
    text = MARKDOWN_LINE_BREAKS.sub("\n", text)
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")


def clean_model(model, cleaners):
    fields = list(cleaners)
    for row in model.objects.values("pk", *fields).iterator():
        changes = {}
        for field in fields:
            value = row[field]
            cleaned = cleaners[field](value) if isinstance(value, str) else value
            if cleaned == value:
                continue
            if field in UNIQUE and (
                model.objects.filter(**{field: cleaned}).exclude(pk=row["pk"]).exists()
            ):
                cleaned = f"{cleaned}-{row['pk']}" if field == "slug" else f"{cleaned} ({row['pk']})"
            changes[field] = cleaned
        if changes:
            # update(): no save() or signal, so the rows are repaired as they are.
            model.objects.filter(pk=row["pk"]).update(**changes)


def cleaners_for(model_name):
    cleaners = {}
    cleaners.update(dict.fromkeys(ONE_LINE.get(model_name, []), clean_one_line))
    cleaners.update(dict.fromkeys(SLUGS.get(model_name, []), clean_slug))
    cleaners.update(dict.fromkeys(MARKDOWN.get(model_name, []), clean_markdown))
    return cleaners


def clean_stored_text(apps, schema_editor):
    for model_name in ("Category", "Tool", "Persona", "Take"):
        clean_model(apps.get_model("verdicts", model_name), cleaners_for(model_name))


class Migration(migrations.Migration):
    dependencies = [("verdicts", "0003_one_line_and_markdown_text")]

    operations = [migrations.RunPython(clean_stored_text, migrations.RunPython.noop)]
