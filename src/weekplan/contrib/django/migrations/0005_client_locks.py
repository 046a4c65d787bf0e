"""The per-client lock row (see ``ClientLockRecord``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("weekplan", "0004_rulesets_guardrails"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClientLockRecord",
            fields=[
                ("row_id", models.BigAutoField(primary_key=True, serialize=False)),
                ("tenant_id", models.CharField(max_length=64)),
                ("client_ref", models.CharField(max_length=128)),
            ],
            options={
                "verbose_name": "client lock",
                "db_table": "weekplan_client_locks",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant_id", "client_ref"), name="weekplan_client_locks_uq"
                    )
                ],
            },
        ),
    ]
