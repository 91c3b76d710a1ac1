from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from django.db.backends.signals import connection_created

        from config.private_files import protect_sqlite

        from . import signals  # noqa: F401 - sign-in, sign-out and failed sign-in

        # The database file is PHI: 0600 from its first connection on.
        connection_created.connect(protect_sqlite, dispatch_uid="audit.protect_sqlite")
