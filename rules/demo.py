"""A synthetic procedure history for the demo practice: payers, blocks, RF sessions.

Builds on `practice.demo.seed_practice` (run `seed_demo` first). Every note goes through
the real services (create, save, sign), so the stored rule results are the real ones.
Idempotent: a patient that already has a payer is left alone.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from checklists import icd10
from checklists import services as notes
from checklists.completeness import applies
from checklists.demo_values import TYPICAL, agree_volumes, diagnosis_answer, typical_text
from coding.sides import documented_side
from practice.models import Patient

from . import services
from .models import PatientCoverage, Payer, RulePack

SIDE_MODIFIER = {"left": ["LT"], "right": ["RT"], "bilateral": ["50"]}


def _sample(element, rng, dos):
    if element["key"] in TYPICAL:
        return TYPICAL[element["key"]]
    kind = element["input_type"]
    choices = [pair[0] for pair in element.get("choices") or []]
    if kind == "choice":
        return choices[0]
    if kind == "multi_choice":
        return choices[:1]
    if kind == "yes_no":
        return "yes"
    if kind in ("number", "percent"):
        low, high = float(element.get("min") or 0), float(element.get("max") or 100)
        return format(round(low + (high - low) / 4), "d")
    if kind == "pain_score":
        return 3
    if kind == "date":
        return (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    if kind == "datetime":
        return timezone.localtime().replace(microsecond=0, second=0).isoformat()
    return typical_text(element, rng, dos)


def _answers(definitions, overrides, rng, dos, lines):
    answers = {
        key: value if isinstance(value, dict) else {"value": value}
        for key, value in overrides.items()
    }
    answers.setdefault("diagnosis", diagnosis_answer(list(definitions["codes"]), rng))
    for _ in range(3):  # conditions can chain
        for element in definitions["elements"]:
            if element["key"] not in answers and applies(element, answers):
                answers[element["key"]] = {"value": _sample(element, rng, dos)}
    agree_volumes(answers, [line["code"] for line in lines], lines)
    return answers


def _line(code, side="", site=""):
    return {
        "code": code,
        "units": 1,
        "modifiers": SIDE_MODIFIER.get(side, []),
        "side": side,
        "site": site,
    }


def _note(clinician, patient, days_ago, lines, overrides, *, sign=True):
    dos = timezone.localdate() - datetime.timedelta(days=days_ago)
    # Free text of its own per note (seeded: the demo is the same every time).
    rng = random.Random(f"{patient.mrn}/{days_ago}/{lines[0]['code']}")
    note = notes.create_note(
        clinician=clinician,
        patient=patient,
        date_of_service=dos,
        place_of_service="11",
        lines=lines,
    )
    note = notes.save_note(
        note,
        version=note.version,
        # The side documented is the side the lines bill, unless the scenario says otherwise.
        answers=_answers(note.definitions, documented_side(lines) | overrides, rng, dos, lines),
        actor=clinician,
    )
    if sign:
        note = notes.sign_note(note, user=clinician, version=note.version)
    return note


def _rf(first_block_days, second_block_days, reliefs, **more):
    """An RF note whose own block fields agree with the block notes."""
    today = timezone.localdate()
    return {
        "technique": "thermal_rf",
        "rf_temperature": "85",
        "mbb1_date": (today - datetime.timedelta(days=first_block_days)).isoformat(),
        "mbb1_relief": str(reliefs[0]),
        "mbb2_date": (today - datetime.timedelta(days=second_block_days)).isoformat(),
        "mbb2_relief": str(reliefs[1]),
        **more,
    }


def _block(relief, purpose="diagnostic_first"):
    return {
        "block_relief_percent": str(relief),
        "block_purpose": purpose,
        "block_type": "medial_branch",
        "block_agent": "bupivacaine",
    }


@transaction.atomic
def seed_rules_demo() -> list[str]:
    clinician = get_user_model().objects.get(username="dr.demo")
    medicare, _ = Payer.objects.get_or_create(
        name="Medicare (demo)", defaults={"kind": "medicare"}
    )
    anthem, created = Payer.objects.get_or_create(
        name="Anthem (demo)", defaults={"kind": "commercial"}
    )
    if created:
        anthem.packs.set(RulePack.objects.filter(key="anthem-morton-neuroma"))
    done = []
    patients = {p.mrn: p for p in Patient.objects.filter(mrn__startswith="DEMO-")}

    alpha = patients.get("DEMO-0001")
    if alpha and not PatientCoverage.objects.filter(patient=alpha).exists():
        services.set_coverage(alpha, payer=medicare, member_id="1EG4-TE5-MK72", actor=clinician)
        # Right L5-S1: blocks, then RF 11 months ago.
        _note(clinician, alpha, 400, [_line("64493", "right", "L5-S1")], _block(85))
        _note(
            clinician,
            alpha,
            380,
            [_line("64493", "right", "L5-S1")],
            _block(88, "diagnostic_confirmatory"),
        )
        _note(clinician, alpha, 335, [_line("64635", "right", "L5-S1")], _rf(400, 380, (85, 88)))
        # Left L4-L5: blocks 85 % and 90 %, then RF 40 days ago.
        _note(clinician, alpha, 95, [_line("64493", "left", "L4-L5")], _block(85))
        _note(
            clinician,
            alpha,
            75,
            [_line("64493", "left", "L4-L5")],
            _block(90, "diagnostic_confirmatory"),
        )
        _note(clinician, alpha, 40, [_line("64635", "left", "L4-L5")], _rf(95, 75, (85, 90)))
        # Planned: a repeat at right L5-S1, a third lumbar session in 12 months.
        repeat = _rf(400, 380, (85, 88), prior_rf_same_region="yes", prior_rf_relief="70")
        _note(clinician, alpha, 0, [_line("64635", "right", "L5-S1")], repeat, sign=False)
        done.append("Alpha Testpatient: Medicare, facet blocks and RF history, a planned repeat")

    bravo = patients.get("DEMO-0002")
    if bravo and not PatientCoverage.objects.filter(patient=bravo).exists():
        services.set_coverage(bravo, payer=medicare, actor=clinician)
        _note(clinician, bravo, 60, [_line("64493", "left", "L4-L5")], _block(85))
        _note(
            clinician,
            bravo,
            40,
            [_line("64493", "left", "L4-L5")],
            _block(79, "diagnostic_confirmatory"),
        )
        _note(clinician, bravo, 10, [_line("64635", "left", "L4-L5")], _rf(60, 40, (85, 79)))
        done.append("Bravo Testpatient: Medicare, blocks 85 % and 79 %, RF not claim-ready")

    morton = {
        "technique": "chemical",
        "neurolytic_agent": "ethanol",
        "interspace_treated": ["left_3"],
        "conservative_care_tried": [
            "padding_orthotics",
            "activity_modification",
            "footwear",
            "medication",
        ],
    }
    charlie = patients.get("DEMO-0003")
    if charlie and not PatientCoverage.objects.filter(patient=charlie).exists():
        services.set_coverage(charlie, payer=medicare, actor=clinician)
        not_needed = {"na_reason": "No more than 3 injections at this site in 6 months"}
        for days in (150, 110, 70, 30):
            # The fourth is documented as if it were the third: the 6-month rule catches it.
            answers = morton | {"repeat_injection_justification": not_needed}
            _note(clinician, charlie, days, [_line("64632", "left", "3rd")], answers)
        done.append("Charlie Fictional: Medicare, a 4th Morton's injection in 6 months")

    delta = patients.get("DEMO-0004")
    if delta and not PatientCoverage.objects.filter(patient=delta).exists():
        services.set_coverage(delta, payer=anthem, actor=clinician)
        right_foot = {"interspace_treated": ["right_2"], "diagnosis": icd10.answer_for("G57.61")}
        _note(clinician, delta, 20, [_line("64632", "right", "2nd")], morton | right_foot)
        done.append("Delta Synthetic: Anthem (commercial example pack), a Morton's injection")
    return done
