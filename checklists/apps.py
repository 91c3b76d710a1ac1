from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = "Procedure notes"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_refresh_sqlite_statistics, sender=self)


def _refresh_sqlite_statistics(using="default", plan=None, **kwargs):
    """SQLite's planner reads statistics that only ANALYZE collects, and a migration that
    rebuilds a table drops them: without them it may walk 100,000 notes by clinician to
    page them by id. Collected again after any migration ran (a second at 100,000 notes)."""
    from django.db import connections

    connection = connections[using]
    if plan and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
