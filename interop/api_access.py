"""Who may read the FHIR API: a signed-in session or a bearer token, read-only, audited.

A token acts as its user (a person, or a system client's own user), so the app's roles
decide what it reads, exactly as in the browser. Only GET and HEAD exist: the scope of
every token is read-only (`AccessToken.SCOPE`).
"""

import functools

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from practice.access import can_read_notes

from .models import AccessToken

FHIR_JSON = "application/fhir+json; charset=utf-8"


def outcome(status: int, code: str, message: str, **headers) -> JsonResponse:
    """An OperationOutcome error response."""
    response = JsonResponse(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": message}],
        },
        status=status,
        content_type=FHIR_JSON,
        json_dumps_params={"indent": 2},
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _bearer(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def fhir_endpoint(*, public=False):
    """Read-only FHIR view: authenticates, refuses writes, answers errors as OperationOutcome."""

    def decorator(view):
        @csrf_exempt  # no write ever happens; sessions and tokens are checked below
        @never_cache
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return outcome(
                    405, "not-supported", "This FHIR API is read-only.", Allow="GET, HEAD"
                )
            request.fhir_token = None
            raw = _bearer(request)
            if raw is not None:
                token = AccessToken.objects.find(raw)
                if token is None:
                    return outcome(
                        401,
                        "login",
                        "The bearer token is unknown, expired or revoked.",
                        WWW_Authenticate='Bearer error="invalid_token"',
                    )
                AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
                request.user = token.user
                request.fhir_token = token
            elif not public and not request.user.is_authenticated:
                return outcome(
                    401,
                    "login",
                    "Sign in, or send a bearer token (docs/fhir.md).",
                    WWW_Authenticate='Bearer realm="fhir"',
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def may_read_patient_data(user) -> bool:
    return can_read_notes(user)


def client_label(request) -> str:
    token = request.fhir_token
    return f"token {token.pk} ({token.label})" if token else "session"
