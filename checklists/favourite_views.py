"""The clinician's own favourites page: list, rename, remove."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from practice.access import require

from . import favourites
from .models import Favourite


def _page(request, problem_for=None, problem="", typed="", status=200):
    """The list; a refused rename shows its message beside that favourite's field, with
    what was typed."""
    rows = [
        (favourite, problem if favourite == problem_for else "", typed)
        for favourite in request.user.favourites.all()
    ]
    return render(request, "checklists/favourite_list.html", {"rows": rows}, status=status)


@login_required
def favourite_list(request):
    require(request.user, "checklists.add_note", "Your role does not create notes.")
    return _page(request)


def _own(request, pk) -> Favourite:
    # Another clinician's favourite does not exist for this user (404, not 403).
    return get_object_or_404(Favourite, pk=pk, clinician=request.user)


@require_POST
@login_required
def favourite_rename(request, pk):
    favourite = _own(request, pk)
    name = favourites.clean_name(request.POST.get("name", ""))
    problem = favourites.name_problem(request.user, name, keep=favourite)
    if problem:
        return _page(request, favourite, problem, request.POST.get("name", ""), status=422)
    if name != favourite.name:
        old = favourite.name
        favourites.rename(favourite, name, request=request)
        messages.success(request, f"“{old}” is now “{name}”.")
    return redirect("checklists:favourite-list")


@require_POST
@login_required
def favourite_delete(request, pk):
    favourite = _own(request, pk)
    name = favourite.name
    favourites.remove(favourite, request=request)
    messages.success(
        request, f"Favourite “{name}” removed. Notes started from it keep their values."
    )
    return redirect("checklists:favourite-list")
