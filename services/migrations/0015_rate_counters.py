"""Rate-limit counters get a table of their own (services.models.RateCounter), so that one hit
is one upsert statement instead of a row-locked add and incr in Django's cache table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0014_drop_keyword_gin_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                ("key", models.CharField(max_length=250, primary_key=True, serialize=False)),
                ("hits", models.PositiveIntegerField()),
                ("expires", models.DateTimeField(db_index=True)),
            ],
            options={
                "verbose_name": "rate counter",
            },
        ),
    ]
