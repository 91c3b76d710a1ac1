"""Hand-built patient histories for the rule tests: facts for the pure checks, real notes
(through the notes app's services) for the end-to-end tests. No factories."""

import datetime
import functools
import itertools
from pathlib import Path

from checklists import services
from rules.engine import run_rule
from rules.facts import Line, NoteFacts
from rules.pack_file import parse_pack
from tests.notes import complete_answers, side_treated

PACKS = Path(__file__).resolve().parents[2] / "rules" / "packs"
DOS = datetime.date(2026, 11, 2)
SIDE_MODIFIER = {"left": ["LT"], "right": ["RT"], "bilateral": ["50"]}
_ids = itertools.count(1000)


def days_before(n, day=DOS):
    return day - datetime.timedelta(days=n)


@functools.cache
def pack(key):
    return parse_pack(PACKS / f"{key}.toml").document()


def rule(pack_key, rule_id):
    document = pack(pack_key)
    return document, next(r for r in document["rules"] if r["id"] == rule_id)


def judge(pack_key, rule_id, target, history=(), *, planning=False):
    """The outcome of one shipped rule for `target` against `history`."""
    document, found = rule(pack_key, rule_id)
    return run_rule(document, found, target, history, planning=planning)


def facts(day, *lines, answers=None, place="11"):
    return NoteFacts(
        id=next(_ids),
        date=day,
        lines=tuple(lines),
        answers={k: {"value": v} for k, v in (answers or {}).items()},
        place_of_service=place,
    )


def line(code, side="", site="", units=1):
    return Line(
        code=code, units=units, modifiers=tuple(SIDE_MODIFIER.get(side, [])), side=side, site=site
    )


def block(
    day,
    relief,
    *,
    side="left",
    site="L4-L5",
    code="64493",
    purpose="diagnostic_first",
    kind="medial_branch",
):
    answers = {"block_purpose": purpose, "block_type": kind}
    if relief is not None:
        answers["block_relief_percent"] = str(relief)
    return facts(day, line(code, side, site), answers=answers)


def rf(day, *, side="left", site="L4-L5", code="64635", answers=None):
    return facts(
        day, line(code, side, site), answers={"technique": "thermal_rf", **(answers or {})}
    )


def morton(day, *, side="left", site="3rd", answers=None):
    return facts(day, line("64632", side, site), answers=answers)


# ---------------------------------------------------------------------------------------
# Real notes


def line_dict(code, side="", site=""):
    return {
        "code": code,
        "units": 1,
        "modifiers": SIDE_MODIFIER.get(side, []),
        "side": side,
        "site": site,
    }


def note_on(clinician, patient, day, lines, answers=None, *, technique=None, sign=True):
    """A complete note dated `day`, signed unless told otherwise."""
    note = services.create_note(
        clinician=clinician,
        patient=patient,
        date_of_service=day,
        place_of_service="11",
        lines=lines,
    )
    overrides = side_treated(lines) | {
        k: v if isinstance(v, dict) else {"value": v} for k, v in (answers or {}).items()
    }
    filled = complete_answers(note.definitions, technique, overrides)
    note = services.save_note(note, version=note.version, answers=filled, actor=clinician)
    if sign:
        note = services.sign_note(note, user=clinician, version=note.version)
    return note


def block_note(
    clinician, patient, day, relief, *, side="left", site="L4-L5", purpose="diagnostic_first"
):
    return note_on(
        clinician,
        patient,
        day,
        [line_dict("64493", side, site)],
        {
            "block_relief_percent": str(relief),
            "block_purpose": purpose,
            "block_type": "medial_branch",
        },
    )


def rf_note(clinician, patient, day, *, side="left", site="L4-L5", sign=True, answers=None):
    return note_on(
        clinician,
        patient,
        day,
        [line_dict("64635", side, site)],
        {"rf_temperature": "85", **(answers or {})},
        technique="thermal_rf",
        sign=sign,
    )
