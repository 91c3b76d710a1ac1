from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = "Procedure notes"

    def ready(self):
        from . import signals  # noqa: F401 - connects the audit receivers
