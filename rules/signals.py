"""Signing a note changes what its patient's other notes can rely on: re-check them all."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from checklists.models import Note

from .services import refresh_patient_safely


@receiver(post_save, sender=Note, dispatch_uid="rules.note_saved")
def _note_saved(sender, instance, raw=False, **kwargs):
    # Drafts are saved on every keystroke and are no evidence yet: nothing to do.
    if raw or instance.status == Note.Status.DRAFT:
        return
    refresh_patient_safely(instance.patient_id)
