"""Sign-in, sign-out and failed sign-in go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    AuditEvent.objects.record("auth.login", actor=user, request=request)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        AuditEvent.objects.record("auth.logout", actor=user, request=request)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # The username typed is kept (it is how attacks show); never the password.
    AuditEvent.objects.record(
        "auth.login_failed", request=request, username=str(credentials.get("username", ""))[:150]
    )
