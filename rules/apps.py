from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = "Payer rules"

    def ready(self):
        from . import signals  # noqa: F401 - re-checks a patient's notes when one is signed
