"""Repair issue subjects stored before the one-line rule existed (a tool name
with CR LF made one): each control, line-break or invisible formatting
character becomes a space, runs of spaces collapse, ends are stripped. A frozen
copy of shiporskip/lib/text_rules.py's rule as it was."""

import re
import unicodedata

from django.db import migrations

LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
SPACES = re.compile(" {2,}")


def clean_one_line(text):
    spaced = "".join(
        " " if c in LINE_BREAKS or unicodedata.category(c) in ("Cc", "Cf") else c for c in text
    )
    return SPACES.sub(" ", spaced).strip()


def clean_stored_subjects(apps, schema_editor):
    Issue = apps.get_model("newsletter", "Issue")
    for pk, subject in Issue.objects.values_list("pk", "subject").iterator():
        if clean_one_line(subject) != subject:
            # update(): no save() or signal, so the row is repaired as it is.
            Issue.objects.filter(pk=pk).update(subject=clean_one_line(subject))


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0005_one_line_subject")]

    operations = [migrations.RunPython(clean_stored_subjects, migrations.RunPython.noop)]
