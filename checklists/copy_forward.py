"""What a new draft may take from an earlier note or a favourite, and what stays marked.

Pure: element definitions and answers in, answers out. The rules:
- outcomes of the procedure (the post-procedure section) and what must be asked afresh
  each time (consent, time-out, today's pain score and measurements) are never copied: a
  new note starts with them empty;
- from the same patient's earlier note, the history and the procedure setup are copied,
  and of the post-procedure section only the follow-up plan: it is the clinician's plan
  for this patient, not an outcome of today's procedure (never from a favourite);
- a favourite crosses patients, so it keeps only the procedure setup and no free text,
  date or history (nothing patient-specific);
- every copied value is marked (Note.copied) until the clinician edits it or confirms it
  (its section, or all at once: "Confirm all copied values"), and a note with unconfirmed
  copies cannot be signed.
"""

SECTION_LABELS = {"pre": "Pre-procedure", "procedure": "Procedure", "post": "Post-procedure"}

# Asked afresh on every note, whatever the earlier note said.
NEVER_COPIED = frozenset(
    {
        "informed_consent",
        "consent_risks_discussed",
        "time_out",
        "pain_score_pre",
        "functional_scale_score",
        # Filled from the patient's history instead (checklists.history_prefill).
        "pain_duration_months",
        "mbb1_date",
        "mbb1_relief",
        "mbb2_date",
        "mbb2_relief",
        "prior_rf_same_region",
        "prior_rf_date",
        "prior_rf_relief",
        "prior_rf_relief_months",
        "rf_sessions_region_12mo",
        "prognostic_block_date",
        "prognostic_block_relief",
        "site_injections_6mo",
        "repeat_injection_justification",
        "morton_series_number",
        "prior_toxin_response",
        "last_toxin_date",
        "prior_authorization",
        # Observed during today's procedure.
        "sensory_threshold",
        "motor_threshold",
        "contrast_spread",
        "images_stored",
        "vital_signs_monitored",
        "local_anesthetic_test_dose",
        "toxin_lot",
        "toxin_waste_modifier",
        "toxin_wasted_units",
    }
)
PATIENT_SPECIFIC_TYPES = frozenset({"text", "long_text", "date", "datetime"})
# Of the post-procedure section, what the same patient's next note takes: a plan, no outcome.
PLAN_KEYS = frozenset({"follow_up_plan"})


def copyable(element: dict, *, same_patient: bool) -> bool:
    if element["key"] in NEVER_COPIED:
        return False
    if element["section"] == "post":
        return same_patient and element["key"] in PLAN_KEYS
    if same_patient:
        return True
    return element["section"] == "procedure" and element["input_type"] not in (
        PATIENT_SPECIFIC_TYPES
    )


def copy_answers(elements: list[dict], answers: dict, *, same_patient: bool) -> dict:
    """The answers a new draft takes (values only: a "not done" reason is today's)."""
    copied = {}
    for element in elements:
        answer = answers.get(element["key"]) or {}
        if "value" in answer and copyable(element, same_patient=same_patient):
            copied[element["key"]] = {"value": answer["value"]}
    return copied


def still_unconfirmed(copied: dict, old_answers: dict, new_answers: dict) -> dict:
    """Copies the clinician has not touched: an edited or cleared value is their own. The
    value is compared, not the stored answer: a coded diagnosis saved again unchanged gets
    today's code-set name, and that is no edit."""
    return {
        key: source
        for key, source in copied.items()
        if key in new_answers
        and new_answers[key].get("value") == (old_answers.get(key) or {}).get("value")
    }


def carried_after(
    carried: dict, untouched: dict, still_copied: dict, old_answers: dict, new_answers: dict
) -> dict:
    """The confirmed copies still as copied, shown as read-only lines: those from before
    whose value did not change, and the untouched copies just confirmed."""
    kept = still_unconfirmed(carried, old_answers, new_answers)
    return kept | {key: source for key, source in untouched.items() if key not in still_copied}


def confirm_section(copied: dict, elements: list[dict], section: str) -> dict:
    in_section = {e["key"] for e in elements if e["section"] == section}
    return {key: source for key, source in copied.items() if key not in in_section}


def unconfirmed_by_section(copied: dict, elements: list[dict]) -> list[tuple[str, str, list]]:
    """[(section key, section label, [elements still marked as copied])], in form order."""
    grouped = {key: [] for key in SECTION_LABELS}
    for element in elements:
        if element["key"] in copied:
            grouped[element["section"]].append(element)
    return [(key, SECTION_LABELS[key], items) for key, items in grouped.items() if items]
