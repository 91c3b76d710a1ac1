from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Practice-manager review"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        pre_migrate.connect(_lift_tally_triggers, sender=self)
        post_migrate.connect(_ensure_tally_triggers, sender=self)


def _tallied_connection(using):
    from django.db import connections

    from .models import TALLIES

    # Every tally table this code's triggers write to, or none of the triggers go in.
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if all(model._meta.db_table in tables for model in TALLIES):
        return connection
    return None


def _lift_tally_triggers(using="default", plan=None, **kwargs):
    """SQLite rebuilds a table for many schema changes, and a trigger on another table
    that names the one being rebuilt stops the rebuild: lift them while migrating.

    Whatever tallies exist yet: a database still without the newest tally table has the
    triggers of an older release installed, and they stop a rebuild just the same."""
    from django.db import connections

    connection = connections[using]
    if plan and connection.vendor == "sqlite":
        from . import tally_triggers

        tally_triggers.uninstall(connection)


def _ensure_tally_triggers(using="default", plan=None, **kwargs):
    """Put the triggers back after migrating, and recount if they were away."""
    connection = _tallied_connection(using)
    if connection:
        from . import tally_triggers

        tally_triggers.ensure(connection)
