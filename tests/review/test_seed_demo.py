"""`seed_demo --notes N`: the synthetic notes the benchmarks and demos review."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from checklists.models import Note, NoteGap
from procedures.models import ProcedureCode

from .test_tallies import assert_tallies_match_a_recount

pytestmark = pytest.mark.django_db


def test_it_refuses_to_make_notes_without_the_catalog():
    ProcedureCode.objects.all().delete()
    with pytest.raises(CommandError, match="load_catalog"):
        call_command("seed_demo", "--notes", "5", stdout=StringIO())
    assert not Note.objects.exists()


def test_it_makes_drafts_and_signed_notes_whose_stored_statuses_match_their_gaps(catalog):
    out = StringIO()
    call_command("seed_demo", "--notes", "60", stdout=out)
    assert "Generated 60 synthetic notes." in out.getvalue()
    notes = Note.objects.all()
    assert {note.status for note in notes} == {"draft", "signed"}
    assert notes.filter(required_missing__gt=0).exists()
    for note in notes:
        missing = {
            key for key, status in note.element_status.items() if status.startswith("missing")
        }
        assert missing == set(
            NoteGap.objects.filter(note=note).values_list("element_key", flat=True)
        )
        assert "documented" in note.element_status.values()
    assert_tallies_match_a_recount()


def test_the_demo_practice_starts_a_new_note_in_the_office(client, catalog):
    call_command("seed_demo", stdout=StringIO())
    client.force_login(get_user_model().objects.get(username="dr.demo"))
    page = client.get("/notes/new/").content.decode()
    assert '<option value="11" selected>' in page
