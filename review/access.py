"""Only practice managers use the review pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from practice.roles import is_manager


def manager_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_manager(request.user):
            raise PermissionDenied("The review pages are for practice managers.")
        return view(request, *args, **kwargs)

    return wrapped
