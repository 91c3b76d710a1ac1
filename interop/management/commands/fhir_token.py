import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.models import AuditEvent
from interop.models import AccessToken

# What a system client (an EHR interface engine) may read: notes and what hangs off them.
SYSTEM_PERMISSIONS = ("view_note", "view_addendum")


class Command(BaseCommand):
    help = (
        "Make a read-only bearer token for the FHIR API (shown once), for a user or a "
        "system client; or revoke one."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user the token acts as")
        parser.add_argument("--label", default="", help="what the token is for")
        parser.add_argument(
            "--system",
            action="store_true",
            help="a system client: create USERNAME as a user with no password that may read notes",
        )
        parser.add_argument("--days", type=int, default=0, help="expire after DAYS days")
        parser.add_argument("--revoke", type=int, metavar="ID", help="revoke token ID")

    def handle(self, *args, username, label, system, days, revoke=None, **options):
        User = get_user_model()
        if revoke:
            token = AccessToken.objects.filter(pk=revoke, user__username=username).first()
            if token is None:
                raise CommandError(f"{username} has no token {revoke}.")
            token.revoke()
            AuditEvent.objects.record(
                "fhir.token_revoked",
                actor=token.user,
                object_type="fhir:token",
                object_id=token.pk,
            )
            self.stdout.write(f"Token {token.pk} ({token.label}) revoked.")
            return
        user = User.objects.filter(username=username).first()
        if system:
            if user is None:
                user = User.objects.create_user(username)  # no password: cannot sign in
            user.user_permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="checklists", codename__in=SYSTEM_PERMISSIONS
                )
            )
        elif user is None:
            raise CommandError(f"No user {username}.")
        expires = timezone.now() + datetime.timedelta(days=days) if days else None
        token, raw = AccessToken.issue(
            user,
            label=label or ("system client" if system else "personal token"),
            kind=AccessToken.Kind.SYSTEM if system else AccessToken.Kind.USER,
            expires_at=expires,
        )
        AuditEvent.objects.record(
            "fhir.token_issued",
            actor=user,
            object_type="fhir:token",
            object_id=token.pk,
            kind=token.kind,
            label=token.label,
        )
        self.stdout.write(f"Token {token.pk} for {username} ({token.label}), read-only:")
        self.stdout.write(raw)
