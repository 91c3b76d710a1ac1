from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = "Procedure notes"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401 - connects the audit receivers
        from .roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
