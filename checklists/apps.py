from django.apps import AppConfig

GUARDS_MIGRATION = ("checklists", "0013_i17_signature_format")


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = "Procedure notes"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from audit.verification import register

        from .verification import signed_record_problems

        register(signed_record_problems)  # what verify_audit checks of the notes
        pre_migrate.connect(_lift_record_guards, sender=self)
        post_migrate.connect(_ensure_record_guards, sender=self)
        post_migrate.connect(_refresh_sqlite_statistics, sender=self)


def _lift_record_guards(using="default", plan=None, **kwargs):
    """SQLite rebuilds a table for many schema changes and drops its triggers with it, and
    a trigger naming the table being rebuilt stops the rebuild: lift them while migrating."""
    from django.db import connections

    from . import record_guards

    connection = connections[using]
    if plan and connection.vendor == "sqlite":
        record_guards.uninstall(connection)


def _ensure_record_guards(using="default", plan=None, **kwargs):
    """Put the signed record's guards back after migrating (once their migration ran)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from . import record_guards

    connection = connections[using]
    if GUARDS_MIGRATION in MigrationRecorder(connection).applied_migrations():
        record_guards.ensure(connection)


def _refresh_sqlite_statistics(using="default", plan=None, **kwargs):
    """SQLite's planner reads statistics that only ANALYZE collects, and a migration that
    rebuilds a table drops them: without them it may walk 100,000 notes by clinician to
    page them by id. Collected again after any migration ran (a second at 100,000 notes)."""
    from django.db import connections

    connection = connections[using]
    if plan and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
