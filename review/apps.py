from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Practice-manager review"

    def ready(self):
        from . import signals  # noqa: F401  (closes answered queries)
