"""Coverage points at practice.Patient: the same table, so model state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0001_initial"),
        ("practice", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="patientcoverage",
                    name="patient",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="coverage",
                        to="practice.patient",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
