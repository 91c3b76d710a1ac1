"""The database refuses changes to the signed record (checklists/record_guards.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from checklists import record_guards

    record_guards.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from checklists import record_guards

    record_guards.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("checklists", "0011_i17_audit_and_practice_apps")]

    operations = [migrations.RunPython(install, uninstall)]
