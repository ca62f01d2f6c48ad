"""The search change log, fed by database triggers (services/search/triggers.py)."""

from django.db import migrations, models

from services.search import triggers


class Migration(migrations.Migration):

    dependencies = [
        ('services', '0012_plain_names_for_sessions_and_course_dates'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('service_id', models.UUIDField(blank=True, db_index=True, null=True)),
                ('xid', models.BigIntegerField(blank=True, db_index=True, null=True)),
                ('created_at', models.DateTimeField(db_index=True)),
            ],
            options={
                'verbose_name': 'search change',
            },
        ),
        migrations.DeleteModel(
            name='SearchIndexState',
        ),
        migrations.RunPython(triggers.install, triggers.remove),
    ]
