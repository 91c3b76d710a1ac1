"""Close documentation queries when the clinician's own save answers them.

Signals, because the writes belong to checklists.services (save, sign, addendum) and the
review app only listens; the answer is always the clinician's work, never a manager's.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from checklists.models import Addendum, Note

from .queries import close_answered_queries, close_with_addendum


@receiver(post_save, sender=Note, dispatch_uid="review.note_saved")
def _note_saved(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    close_answered_queries(instance)


@receiver(post_save, sender=Addendum, dispatch_uid="review.addendum_added")
def _addendum_added(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        close_with_addendum(instance)
