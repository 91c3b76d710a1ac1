"""The claim of a note: its lines, and the patient's other notes of the same date of service.

The only module of the scrubber that reads the database. Rules come from the note's catalog
snapshot; a snapshot taken before the catalog had claim rules borrows the catalog's current
ones, so old drafts are checked too.
"""

import datetime

from procedures.models import CatalogVersion, ProcedureCode

from .claim import Claim, build


def _codes_and_rules(definitions: dict, extra_codes) -> tuple[dict, dict, int | None]:
    codes = {code: dict(facts) for code, facts in (definitions.get("codes") or {}).items()}
    rules = definitions.get("claim_rules")
    cpt_year = definitions.get("cpt_year")
    missing = [c for c in codes if "billing" not in codes[c]] + [
        c for c in extra_codes if c not in codes
    ]
    if rules is None or missing:
        version = CatalogVersion.current()
        if rules is None:
            rules = version.claim_rules if version else {}
            cpt_year = cpt_year or (version.cpt_year if version else None)
        for row in ProcedureCode.objects.filter(code__in=missing).prefetch_related("addon_of"):
            facts = codes.setdefault(
                row.code,
                {
                    "laterality": row.laterality,
                    "modifiers": row.modifiers,
                    "site_choices": row.site_choices,
                    "techniques": row.techniques,
                    "addon_of": [p.code for p in row.addon_of.all()],
                    "unit_kind": row.unit_kind,
                },
            )
            facts["billing"] = row.billing
    return codes, rules or {}, cpt_year


def other_lines(note) -> list[tuple[int, dict]]:
    """The code lines of the patient's other signed notes on the note's date of service:
    what is billed already. Other drafts are not (yet) claims: an abandoned duplicate
    draft must not block the real note."""
    from checklists.models import CodeLine, Note

    if not note.pk or not note.patient_id:
        return []
    rows = (
        CodeLine.objects.filter(
            note__patient_id=note.patient_id, note__date_of_service=note.date_of_service
        )
        .exclude(note_id=note.pk)
        .exclude(note__status=Note.Status.DRAFT)
        .order_by("note_id", "position")
        .values("note_id", "code", "units", "modifiers", "side", "site", "technique")
    )
    return [(row.pop("note_id"), row) for row in rows]


def claim_for_note(note, lines: list[dict], answers: dict | None = None) -> Claim:
    """The claim of `note` with `lines` (and `answers`, by default the note's own)."""
    day = note.date_of_service
    if isinstance(day, str):  # a note built in code before it is saved
        day = datetime.date.fromisoformat(day)
    others = other_lines(note)
    own_codes = {line["code"] for line in lines}
    codes, rules, cpt_year = _codes_and_rules(
        note.definitions, {line["code"] for _, line in others} - own_codes
    )
    # A code on another note of the day is known for the cross-line rules only.
    return build(
        lines,
        codes,
        others=others,
        rules=rules,
        answers=(note.answers or {}) if answers is None else answers,
        date_of_service=day,
        cpt_year=cpt_year,
    )
