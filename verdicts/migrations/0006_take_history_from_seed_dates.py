"""Give every take that predates its history a first record, dated when the take was
made (the seed takes: their seed date), so each timeline starts where the take did."""

from django.db import migrations


def first_records(apps, schema_editor):
    Take = apps.get_model("verdicts", "Take")
    HistoricalTake = apps.get_model("verdicts", "HistoricalTake")
    db = schema_editor.connection.alias
    recorded = HistoricalTake.objects.using(db).values("id")
    HistoricalTake.objects.using(db).bulk_create(
        [
            HistoricalTake(
                id=take.pk,
                tool_id=take.tool_id,
                persona_id=take.persona_id,
                score=take.score,
                call=take.call,
                body=take.body,
                reviewed_version=take.reviewed_version,
                created_at=take.created_at,
                updated_at=take.updated_at,
                history_date=take.created_at,
                history_type="+",
            )
            for take in Take.objects.using(db).exclude(pk__in=recorded).iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("verdicts", "0005_take_history_and_reviewed_version")]

    operations = [migrations.RunPython(first_records, migrations.RunPython.noop)]
