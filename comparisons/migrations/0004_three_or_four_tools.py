"""Comparisons of two to four tools: optional third and fourth tools, and a
stored key of the sorted tool ids that keeps one comparison per set of tools
in any order (it replaces the Least/Greatest pair constraint, which only
covers two). Every stored pair keeps its row, its order and so its URL."""

import django.db.models.deletion
from django.db import migrations, models


def fill_tools_key(apps, schema_editor):
    # The model's own tools_key() as it reads today, written out: a migration
    # never imports code that can still change.
    Comparison = apps.get_model("comparisons", "Comparison")
    for comparison in Comparison.objects.only("tool_a_id", "tool_b_id"):
        ids = sorted([comparison.tool_a_id, comparison.tool_b_id])
        Comparison.objects.filter(pk=comparison.pk).update(tools_key=",".join(map(str, ids)))


def refuse_to_drop_tools(apps, schema_editor):
    Comparison = apps.get_model("comparisons", "Comparison")
    if Comparison.objects.filter(tool_c__isnull=False).exists():
        raise RuntimeError(
            "Some comparisons hold three or four tools; reduce them to pairs "
            "before migrating back."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('comparisons', '0003_clean_stored_intros'),
        ('verdicts', '0004_clean_stored_text'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='comparison',
            name='compare_two_tools',
        ),
        migrations.RemoveConstraint(
            model_name='comparison',
            name='one_comparison_per_pair',
        ),
        migrations.AddField(
            model_name='comparison',
            name='tool_c',
            field=models.ForeignKey(blank=True, help_text='Optional: compare three or four tools.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='verdicts.tool'),
        ),
        migrations.AddField(
            model_name='comparison',
            name='tool_d',
            field=models.ForeignKey(blank=True, help_text='Optional: compare three or four tools.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='verdicts.tool'),
        ),
        migrations.AddField(
            model_name='comparison',
            name='tools_key',
            field=models.CharField(default='', editable=False, max_length=100),
        ),
        migrations.RunPython(fill_tools_key, refuse_to_drop_tools),
        migrations.AddConstraint(
            model_name='comparison',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('tool_a', models.F('tool_b')), _negated=True), models.Q(('tool_c__isnull', True), models.Q(models.Q(('tool_c', models.F('tool_a')), _negated=True), models.Q(('tool_c', models.F('tool_b')), _negated=True)), _connector='OR'), models.Q(('tool_d__isnull', True), models.Q(models.Q(('tool_d', models.F('tool_a')), _negated=True), models.Q(('tool_d', models.F('tool_b')), _negated=True), models.Q(('tool_d', models.F('tool_c')), _negated=True)), _connector='OR')), name='compare_distinct_tools'),
        ),
        migrations.AddConstraint(
            model_name='comparison',
            constraint=models.CheckConstraint(condition=models.Q(('tool_d__isnull', True), ('tool_c__isnull', False), _connector='OR'), name='fourth_tool_after_third'),
        ),
        migrations.AddConstraint(
            model_name='comparison',
            constraint=models.UniqueConstraint(fields=('tools_key',), name='one_comparison_per_tool_set'),
        ),
    ]
