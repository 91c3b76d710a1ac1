from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice, patients and roles"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from config.session_timeout import stamp_sign_in

        from .roles import ensure_roles

        user_logged_in.connect(stamp_sign_in, dispatch_uid="practice.stamp_sign_in")
        post_migrate.connect(ensure_roles, sender=self)
