import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from audit import triggers as audit_triggers


def install_triggers(apps, schema_editor):
    audit_triggers.install(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    audit_triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0002_side_label"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["-pk"]}),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(db_index=True, max_length=40),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="username",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="object_type",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="object_id",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hmac",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hmac",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor", "at"], name="checklists__actor_i_1c1476_idx"),
        ),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
