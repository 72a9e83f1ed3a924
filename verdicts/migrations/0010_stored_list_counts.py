"""Stored list counts (verdicts/list_counts.py): published tools per category,
takes and ship calls on published tools per persona, counted once here; and the
indexes the sitemap reads its lastmod from, the scheduled tools of a category
a reviewer's verdicts by score, and /tools/?verdict= (its count covered, its
pages in the panel order within the verdict)."""

from django.db import migrations, models

import verdicts.ranking
from django.db.models import Count, Q


def count_listed(apps, schema_editor):
    Category = apps.get_model("verdicts", "Category")
    Persona = apps.get_model("verdicts", "Persona")
    Tool = apps.get_model("verdicts", "Tool")
    Take = apps.get_model("verdicts", "Take")
    tools = Tool.objects.filter(is_published=True).values("category_id").order_by()
    for row in tools.annotate(n=Count("pk")):
        Category.objects.filter(pk=row["category_id"]).update(listed_tools=row["n"])
    takes = Take.objects.filter(tool__is_published=True).values("persona_id").order_by()
    for row in takes.annotate(n=Count("pk"), ships=Count("pk", filter=Q(call="ship"))):
        Persona.objects.filter(pk=row["persona_id"]).update(
            listed_takes=row["n"], listed_ships=row["ships"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("verdicts", "0009_score_order_and_split_percents"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="listed_tools",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="persona",
            name="listed_ships",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="persona",
            name="listed_takes",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_listed, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="tool",
            index=models.Index(fields=["-content_updated_at"], name="tool_content_updated"),
        ),
        migrations.AddIndex(
            model_name="tool",
            index=models.Index(
                fields=["category", "-content_updated_at"], name="tool_category_content_updated"
            ),
        ),
        migrations.AddIndex(
            model_name="tool",
            index=models.Index(
                fields=["category", "is_published", "published_at"], name="tool_category_published"
            ),
        ),
        migrations.AddIndex(
            model_name="take",
            index=verdicts.ranking.NullsLastIndex(
                models.F("persona"),
                models.OrderBy(models.F("score"), descending=True, nulls_last=True),
                name="take_persona_score",
            ),
        ),
        migrations.RemoveIndex(model_name="tool", name="tool_panel_verdict"),
        migrations.AddIndex(
            model_name="tool",
            index=models.Index(
                fields=["panel_verdict_key", "is_published", "published_at"],
                name="tool_panel_verdict",
            ),
        ),
        migrations.AddIndex(
            model_name="tool",
            index=verdicts.ranking.NullsLastIndex(
                models.F("panel_verdict_key"),
                models.OrderBy(models.F("panel_ship_percent"), descending=True, nulls_last=True),
                models.OrderBy(models.F("panel_average_score"), descending=True, nulls_last=True),
                verdicts.ranking.NameSortKey("name"),
                models.F("id"),
                name="tool_verdict_panel_order",
            ),
        ),
    ]
