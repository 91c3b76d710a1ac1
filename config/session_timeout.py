"""Sign a user out after a period without activity, and after an absolute lifetime.

HIPAA's automatic logoff: an unattended workstation must not stay signed in. The idle
limit is SESSION_IDLE_SECONDS (15 minutes by default); the page warns two minutes before
(static/js/session.js) and "Stay signed in" posts to the keep-alive URL. The absolute
limit is SESSION_COOKIE_AGE (12 hours), counted from sign-in whatever the activity.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

LAST_SEEN = "last_activity"
STARTED = "signed_in_at"


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN, now)
            started = request.session.setdefault(STARTED, now)
            idle = now - last > settings.SESSION_IDLE_SECONDS
            expired = now - started > settings.SESSION_COOKIE_AGE
            if idle or expired:
                logout(request)
                reason = (
                    "You were signed out after a period without activity."
                    if idle
                    else "Your session reached its maximum length; please sign in again."
                )
                if _wants_json(request):
                    return JsonResponse(
                        {
                            "error": "session_expired",
                            "message": reason + " Your input is kept on this page.",
                        },
                        status=401,
                    )
                messages.info(request, reason)
                return redirect(f"{reverse('login')}?next={request.path}")
            # Refreshing at most once a minute spares a session write on most requests.
            if now - last >= 60 or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def keepalive(request):
    """'Stay signed in': any authenticated request already refreshed the idle clock."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "session_expired"}, status=401)
    return JsonResponse({"idle_seconds": settings.SESSION_IDLE_SECONDS})


def stamp_sign_in(sender, request, user, **kwargs):
    """Start both clocks at sign-in (connected to user_logged_in by practice.apps)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[LAST_SEEN] = now
