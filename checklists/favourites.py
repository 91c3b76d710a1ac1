"""A clinician's favourites: their names, renaming and removal (the setups themselves are
saved by checklists.copy_sources.save_favourite). Only the owner sees or changes them."""

from django.db import transaction

from audit.models import AuditEvent

from .models import Favourite

MAX_NAME = 80


def clean_name(raw: str) -> str:
    """Spaces collapsed, at most 80 characters: how the name is stored and shown."""
    return " ".join((raw or "").split())[:MAX_NAME]


def name_problem(clinician, name: str, *, keep=None) -> str | None:
    """Why `name` cannot name one of the clinician's favourites, or None."""
    if not name:
        return "Name the favourite, e.g. “My usual lumbar RF”."
    taken = Favourite.objects.filter(clinician=clinician, name=name)
    if keep is not None:
        taken = taken.exclude(pk=keep.pk)
    if taken.exists():
        return f"You already have a favourite named “{name}”."
    return None


@transaction.atomic
def rename(favourite, name: str, *, request) -> None:
    old = favourite.name
    favourite.name = name
    favourite.save(update_fields=["name"])
    AuditEvent.objects.record(
        "favourite.rename",
        actor=favourite.clinician,
        request=request,
        object_type="favourite",
        object_id=str(favourite.pk),
        name=[old, name],
    )


@transaction.atomic
def remove(favourite, *, request) -> None:
    AuditEvent.objects.record(
        "favourite.delete",
        actor=favourite.clinician,
        request=request,
        object_type="favourite",
        object_id=str(favourite.pk),
        name=favourite.name,
        codes=favourite.codes,
    )
    favourite.delete()
