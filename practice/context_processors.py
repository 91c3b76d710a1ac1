from django.conf import settings

from .models import Practice
from .roles import role_names


def practice(request):
    user = getattr(request, "user", None)
    return {
        "practice": Practice.current(),
        "user_roles": role_names(user) if user is not None else [],
        "session_idle_seconds": settings.SESSION_IDLE_SECONDS,
    }
