"""Indexes: /compare/'s newest-first order to the last tie, and the sitemap's
pages section's lastmod."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0005_editors_bottom_line"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comparison",
            index=models.Index(
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="comparison_newest_order",
            ),
        ),
        migrations.AddIndex(
            model_name="comparison",
            index=models.Index(fields=["-updated_at"], name="comparison_updated"),
        ),
    ]
