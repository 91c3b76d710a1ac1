"""Anchors catch what the chain alone cannot: a cut or rewritten tail."""

import json
import re
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.chain import chain_hmac
from audit.models import AuditEvent
from tests.tampering import guards_dropped


@pytest.fixture
def events(clinician):
    return [AuditEvent.objects.record("test.event", actor=clinician, n=n) for n in range(5)]


def _anchor(path):
    out = StringIO()
    call_command("anchor_audit", str(path), stdout=out)
    return out.getvalue()


def test_anchor_audit_appends_the_head_to_a_private_file(events, tmp_path):
    path = tmp_path / "anchors" / "audit.jsonl"
    assert _anchor(path).startswith(f"Anchored event {events[-1].pk} ({events[-1].hmac[:16]}...)")
    newer = AuditEvent.objects.record("test.event", n=6)
    _anchor(path)
    anchors = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(a["event"], a["hmac"]) for a in anchors] == [
        (events[-1].pk, events[-1].hmac),
        (newer.pk, newer.hmac),
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    out = StringIO()
    call_command("verify_audit", "--anchor", str(path), stdout=out)
    assert ", 2 anchors hold;" in out.getvalue()


def test_a_cut_tail_passes_the_chain_but_not_the_anchor(events, tmp_path):
    path = tmp_path / "anchors.jsonl"
    _anchor(path)
    with guards_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM checklists_auditevent WHERE id >= %s", [events[3].pk])
    call_command("verify_audit", stdout=StringIO())  # the chain alone sees nothing
    with pytest.raises(CommandError) as failed:
        call_command("verify_audit", "--anchor", str(path), stdout=StringIO())
    assert re.fullmatch(
        r"Audit verification failed \(1 problem\):\n- Anchor written \S+ names event "
        rf"{events[-1].pk}, which the trail no longer holds: its newest events were cut\.",
        str(failed.value),
    )


def test_a_tail_rewritten_with_the_key_is_caught_by_the_anchor(events, tmp_path):
    path = tmp_path / "anchors.jsonl"
    _anchor(path)
    # An attacker who also holds the HMAC key rewrites the last event and re-chains it.
    last = AuditEvent.objects.get(pk=events[-1].pk)
    last.detail = {"n": 99}
    forged = chain_hmac(last)
    with guards_dropped(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE checklists_auditevent SET detail = %s, hmac = %s WHERE id = %s",
            ['{"n": 99}', forged, last.pk],
        )
    call_command("verify_audit", stdout=StringIO())
    with pytest.raises(CommandError, match=f"event {last.pk} differs from the anchored one"):
        call_command("verify_audit", "--anchor", str(path), stdout=StringIO())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "holds no anchor"),
        ('{"event": "x", "hmac": "y"}\n', "line 1: not an anchor"),
        ("not json\n", "line 1: not an anchor"),
    ],
)
def test_a_malformed_anchor_file_is_one_clear_error(events, tmp_path, content, message):
    path = tmp_path / "anchors.jsonl"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("verify_audit", "--anchor", str(path), stdout=StringIO())
