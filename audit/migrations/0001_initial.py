"""The audit trail moves here from the notes app: model state only, the table stays.

An existing database keeps its rows and its triggers (the table keeps its name,
checklists_auditevent); a new one got the table from checklists 0001-0003.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("checklists", "0010_codeline_technique"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
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
                        (
                            "at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("username", models.CharField(blank=True, max_length=150)),
                        ("action", models.CharField(db_index=True, max_length=40)),
                        ("object_type", models.CharField(blank=True, max_length=60)),
                        ("object_id", models.CharField(blank=True, max_length=60)),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("detail", models.JSONField(blank=True, default=dict)),
                        ("prev_hmac", models.CharField(max_length=64)),
                        ("hmac", models.CharField(max_length=64)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "note",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="audit_events",
                                to="checklists.note",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "checklists_auditevent",
                        "ordering": ["-pk"],
                        "indexes": [
                            models.Index(
                                fields=["note", "at"], name="checklists__note_id_b76891_idx"
                            ),
                            models.Index(
                                fields=["actor", "at"], name="checklists__actor_i_1c1476_idx"
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
