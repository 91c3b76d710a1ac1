"""What a note's writes set off in the other apps, in the order they happen.

checklists.services calls these after its own rows are written, inside the same
transaction, so a reader of `sign_note` sees every step a signature takes:

- saving a draft closes the documentation queries it now answers (review);
- signing closes the queries the signature answers (those naming no element, and those
  whose elements are documented), and re-checks the payer rules of every signed note of
  the patient (rules; a rules failure is logged and never stops a signature);
- an addendum closes the queries opened before it (review).

The dashboard's tallies follow in the database itself (review/tally_triggers.py): they are
kept by SQL triggers so that no write, through this code or not, leaves them wrong.
"""

from review.queries import close_answered_queries, close_with_addendum
from rules.services import refresh_patient_safely


def after_saving(note) -> None:
    """A draft was saved by its clinician."""
    close_answered_queries(note)


def after_signing(note) -> None:
    """`note` was just signed."""
    close_answered_queries(note)
    refresh_patient_safely(note.patient_id)


def after_addendum(addendum) -> None:
    """`addendum` was just added to a signed note."""
    close_with_addendum(addendum)
