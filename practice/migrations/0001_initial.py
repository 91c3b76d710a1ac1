"""The practice and its patients move here from the notes app: model state only.

The tables keep their names (checklists_practice, checklists_patient) and their rows.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("checklists", "0010_codeline_technique")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Practice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("address", models.TextField(blank=True)),
                        ("phone", models.CharField(blank=True, max_length=40)),
                        (
                            "pdf_page_size",
                            models.CharField(
                                choices=[("letter", "US Letter"), ("a4", "A4")],
                                default="letter",
                                max_length=6,
                            ),
                        ),
                    ],
                    options={"db_table": "checklists_practice"},
                ),
                migrations.CreateModel(
                    name="Patient",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("first_name", models.CharField(max_length=100)),
                        ("last_name", models.CharField(max_length=100)),
                        ("date_of_birth", models.DateField()),
                        ("mrn", models.CharField(max_length=40, unique=True, verbose_name="MRN")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "checklists_patient",
                        "ordering": ["last_name", "first_name", "pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
