"""The narrative procedure description: exact text per code family, with answers missing."""

import pytest

from checklists.completeness import assess
from checklists.narrative import procedure_description
from checklists.snapshot import build_definitions

DIAGNOSIS = {
    "value": [{"code": "C53.9", "description": "Malignant neoplasm of cervix uteri, unspecified"}],
    "code_set": "ICD-10-CM 2026",
}
SHP = {
    "informed_consent": {"value": "yes"},
    "diagnosis": DIAGNOSIS,
    "indication": {"value": "Pelvic cancer pain despite opioids, limiting sitting and sleep"},
    "pain_score_pre": {"value": 8},
    "conservative_care_tried": {"value": ["medication", "opioid_analgesia"]},
    "prognostic_block_date": {"value": "2026-10-20"},
    "prognostic_block_relief": {"value": "70"},
    "anticoagulation_status": {"value": "anticoagulant"},
    "anticoagulation_plan": {"value": "Apixaban held for 3 days, agreed with oncology"},
    "allergies": {"value": ["none_known"]},
    "time_out": {"value": "yes"},
    "needle_approach_shp": {"value": "bilateral_posterior"},
    "needle_count": {"value": "2"},
    "imaging_modality": {"value": "fluoroscopy"},
    "pregnancy_status": {"value": "not_applicable"},
    "contrast_agent": {"value": "iohexol"},
    "contrast_volume": {"value": "4"},
    "contrast_spread": {"value": "Anterolateral to L5-S1 on both sides, no vascular uptake"},
    "sedation_level": {"value": "moderate"},
    "sedation_reason": {"value": "Unable to lie prone for long because of pain"},
    "technique": {"value": "chemical"},
    "neurolytic_agent": {"value": "phenol_aqueous"},
    "phenol_concentration": {"value": "6"},
    "neurolytic_volume": {"value": "12"},
    "pain_score_post": {"value": 3},
    "complications": {"value": ["none"]},
    "disposition": {"value": "home_escort"},
    "discharge_instructions": {"value": "yes"},
    "follow_up_plan": {"value": "Phone call in 1 week, clinic visit in 4 weeks"},
}
SHP_TEXT = [
    (
        "Indication",
        "Diagnosis: Malignant neoplasm of cervix uteri, unspecified (C53.9). Pelvic cancer pain "
        "despite opioids, limiting sitting and sleep. Pain before the procedure was 8 / 10 on "
        "the numeric rating scale. Conservative care tried: medication; systemic opioid "
        "analgesia. A prognostic block on 10/20/2026 gave 70 % relief. Risks, benefits and "
        "alternatives were discussed and written informed consent was obtained. The patient "
        "takes anticoagulant medication. Plan: Apixaban held for 3 days, agreed with oncology. "
        "No relevant allergy is known.",
    ),
    (
        "Procedure",
        "A time-out confirmed the patient, procedure, site and side. Chemical neurolysis was "
        "performed. Approach: classic bilateral posterior (paravertebral) approach. Needles "
        "placed: 2. Fluoroscopy guidance was used. Pregnancy status: not applicable (no "
        "childbearing potential). Sedation: moderate (conscious) sedation, because unable to "
        "lie prone for long because of pain. 4 mL of Iohexol (Omnipaque) was injected. "
        "Contrast spread: Anterolateral to L5-S1 on both sides, no vascular uptake. 12 mL of "
        "6 % aqueous phenol was injected.",
    ),
    (
        "Outcome",
        "Pain after the procedure was 3 / 10. There were no complications. Discharged home "
        "with a responsible adult. Written discharge instructions were given. Follow-up: Phone "
        "call in 1 week, clinic visit in 4 weeks.",
    ),
]


def text(paragraphs):
    return [(p.title, p.text) for p in paragraphs]


def without(answers, *keys):
    return {k: v for k, v in answers.items() if k not in keys}


@pytest.mark.django_db
def test_it_writes_a_superior_hypogastric_plexus_note(catalog):
    definitions = build_definitions(["64681"])
    assert text(procedure_description(definitions, SHP, [])) == SHP_TEXT


@pytest.mark.django_db
def test_a_missing_answer_drops_its_sentence_or_takes_the_shorter_one(catalog):
    definitions = build_definitions(["64681"])
    answers = without(
        SHP, "neurolytic_volume", "contrast_volume", "pain_score_post", "sedation_reason"
    )
    _, procedure, outcome = procedure_description(definitions, answers, [])
    assert "4 mL of" not in procedure.text
    assert "Iohexol (Omnipaque) contrast was injected. " in procedure.text
    assert procedure.text.endswith(
        "Sedation: moderate (conscious) sedation. Iohexol (Omnipaque) contrast was injected. "
        "Contrast spread: Anterolateral to L5-S1 on both sides, no vascular uptake. 6 % aqueous "
        "phenol was injected."
    )
    assert outcome.text.startswith("There were no complications.")


@pytest.mark.django_db
def test_an_answer_whose_element_no_longer_applies_is_not_described(catalog):
    definitions = build_definitions(["64681"])
    # Imaging changed to ultrasound: contrast no longer applies; its old answers stay stored.
    answers = SHP | {"imaging_modality": {"value": "ultrasound"}}
    _, procedure, _ = procedure_description(definitions, answers, [])
    assert "Ultrasound guidance was used." in procedure.text
    assert "Iohexol" not in procedure.text and "Pregnancy" not in procedure.text


@pytest.mark.django_db
def test_nothing_answered_writes_nothing(catalog):
    assert procedure_description(build_definitions(["64681"]), {}, []) == []


@pytest.mark.django_db
def test_consent_answered_no_is_described_with_its_reason(catalog):
    definitions = build_definitions(["64681"])
    answers = SHP | {
        "informed_consent": {"value": "no"},
        "consent_exception": {"value": "Consent given by her health care proxy (daughter)"},
    }
    pre = procedure_description(definitions, answers, [])[0].text
    assert "written informed consent was obtained" not in pre
    assert "No signed consent: Consent given by her health care proxy (daughter)." in pre


FACET = {
    "diagnosis": {
        "value": [
            {
                "code": "M47.816",
                "description": "Spondylosis without myelopathy or radiculopathy, lumbar region",
            }
        ]
    },
    "pain_duration_months": {"value": "18"},
    "pain_score_pre": {"value": 7},
    "mbb1_date": {"value": "2026-09-01"},
    "mbb1_relief": {"value": "90"},
    "mbb2_date": {"value": "2026-09-22"},
    "mbb2_relief": {"value": "85"},
    "time_out": {"value": "yes"},
    "imaging_modality": {"value": "fluoroscopy"},
    "technique": {"value": "thermal_rf"},
    "implanted_device": {"value": "stimulator"},
    "implanted_device_plan": {"value": "Spinal cord stimulator switched off by the rep"},
    "sedation_level": {"value": "none"},
    "sensory_threshold": {"value": "0.4"},
    "motor_threshold": {"value": "2"},
    "rf_temperature": {"value": "85"},
    "rf_duration": {"value": "90"},
    "rf_lesion_count": {"value": "2"},
    "cannula_gauge": {"value": "18"},
    "active_tip_length": {"value": "10"},
    "pain_score_post": {"value": 2},
    "complications": {"value": ["back_pain"]},
    "complication_details": {"value": "Soreness at the needle sites, ice advised"},
}
FACET_LINES = [
    {"code": "64635", "site": "L4-L5", "side": "right"},
    {"code": "64636", "site": "L5-S1", "side": "right"},
]


@pytest.mark.django_db
def test_it_writes_a_facet_radiofrequency_note(catalog):
    definitions = build_definitions(["64635", "64636"])
    assert text(procedure_description(definitions, FACET, FACET_LINES)) == [
        (
            "Indication",
            "Diagnosis: Spondylosis without myelopathy or radiculopathy, lumbar region "
            "(M47.816). The pain has lasted 18 months. Pain before the procedure was 7 / 10 on "
            "the numeric rating scale. The first diagnostic medial branch block (09/01/2026) "
            "gave 90 % relief of the index pain. The second diagnostic medial branch block "
            "(09/22/2026) gave 85 % relief.",
        ),
        (
            "Procedure",
            "A time-out confirmed the patient, procedure, site and side. Conventional "
            "(thermal) radiofrequency was performed. Treated: L4-L5 (right), L5-S1 (right). "
            "Fluoroscopy guidance was used. Implanted device: spinal cord, peripheral nerve or "
            "other stimulator; spinal cord stimulator switched off by the rep. No sedation was "
            "given. Sensory stimulation at 50 Hz was concordant at 0.4 V. Motor stimulation at "
            "2 Hz to 2 V produced no limb or segmental motor response. Lesions were made at "
            "85 °C for 90 s, 2 per target. Cannula: 18 G with a 10 mm active tip.",
        ),
        (
            "Outcome",
            "Pain after the procedure was 2 / 10. Complications: new or worse back pain. "
            "Soreness at the needle sites, ice advised.",
        ),
    ]


@pytest.mark.django_db
def test_it_names_the_web_space_of_a_mortons_neuroma_injection(catalog):
    definitions = build_definitions(["64632"])
    answers = {
        "technique": {"value": "chemical"},
        "neurolytic_agent": {"value": "ethanol"},
        "ethanol_concentration": {"value": "4"},
        "neurolytic_volume": {"value": "0.5"},
        "morton_series_number": {"value": "3"},
    }
    lines = [{"code": "64632", "site": "3rd", "side": "left"}]
    assert text(procedure_description(definitions, answers, lines)) == [
        ("Indication", "This is injection 3 of the series."),
        (
            "Procedure",
            "Chemical neurolysis was performed. Treated: left 3rd web space. 0.5 mL of 4 % "
            "ethanol was injected.",
        ),
    ]


@pytest.mark.django_db
def test_it_writes_a_chemodenervation_note(catalog):
    definitions = build_definitions(["64642", "64643"])
    answers = {
        "treatment_goals_baseline": {"value": "Modified Ashworth 3 at the elbow flexors"},
        "time_out": {"value": "yes"},
        "imaging_modality": {"value": "emg"},
        "guidance_reason": {"value": "Small forearm muscles close together"},
        "technique": {"value": "chemodenervation"},
        "toxin_product": {"value": "abobotulinumtoxinA"},
        "toxin_dose_units_abo": {"value": "900"},
        "toxin_waste_modifier": {"value": "JW"},
        "toxin_wasted_units": {"value": "100"},
        "complications": {"value": ["none"]},
    }
    lines = [
        {"code": "64642", "site": "Left upper extremity", "side": ""},
        {"code": "64643", "site": "Left lower extremity", "side": ""},
    ]
    assert text(procedure_description(definitions, answers, lines)) == [
        ("Indication", "Treatment goals and baseline: Modified Ashworth 3 at the elbow flexors."),
        (
            "Procedure",
            "A time-out confirmed the patient, procedure, site and side. Needle EMG guidance was "
            "used. Reason for EMG or stimulation guidance: Small forearm muscles close together. "
            "900 U of AbobotulinumtoxinA (Dysport) was injected. 100 U were discarded (JW).",
        ),
        ("Outcome", "There were no complications."),
    ]


@pytest.mark.django_db
def test_it_writes_a_diagnostic_block_note(catalog):
    definitions = build_definitions(["64493"])
    answers = {
        "block_purpose": {"value": "diagnostic_confirmatory"},
        "imaging_modality": {"value": "fluoroscopy"},
        "block_agent": {"value": "bupivacaine"},
        "block_agent_details": {"value": "0.5 %, no steroid"},
        "block_volume": {"value": "0.5"},
        "pain_score_post": {"value": 1},
        "block_relief_percent": {"value": "85"},
        "block_relief_duration_hours": {"value": "6"},
    }
    lines = [{"code": "64493", "site": "L4-L5", "side": "left"}]
    assert text(procedure_description(definitions, answers, lines)) == [
        ("Indication", "This was a diagnostic, confirmatory (second) block."),
        (
            "Procedure",
            "The block was done at L4-L5 (left). Fluoroscopy guidance was used. 0.5 mL of "
            "bupivacaine (0.5 %, no steroid) was injected.",
        ),
        (
            "Outcome",
            "Pain after the procedure was 1 / 10. Relief of the index pain after the block: "
            "85 %, lasting 6 hours.",
        ),
    ]


@pytest.mark.django_db
def test_a_repeat_facet_rf_note_states_scale_and_sessions(catalog):
    definitions = build_definitions(["64635"])
    answers = {
        "functional_scale_name": {"value": "odi"},
        "functional_scale_score": {"value": "44"},
        "rf_sessions_region_12mo": {"value": "1"},
    }
    assert text(procedure_description(definitions, answers, [])) == [
        (
            "Indication",
            "Baseline Oswestry Disability Index (ODI) score: 44. RF sessions in this region in "
            "the last 12 months, not counting today: 1.",
        )
    ]


@pytest.mark.django_db
def test_a_mortons_note_counts_the_injections_at_the_site(catalog):
    answers = {"morton_series_number": {"value": "4"}, "site_injections_6mo": {"value": "4"}}
    assert text(procedure_description(build_definitions(["64632"]), answers, [])) == [
        ("Indication", "This is injection 4 of the series (4 at this site in the last 6 months).")
    ]


@pytest.mark.django_db
def test_a_disposition_that_says_instructions_were_given_asks_no_separate_question(catalog):
    definitions = build_definitions(["64681"])
    elements = definitions["elements"]
    instructed = without(SHP, "discharge_instructions") | {
        "disposition": {"value": "home_escort_instructed"}
    }
    missing = [g.key for g in assess(elements, instructed).missing_required]
    assert "discharge_instructions" not in missing
    *_, outcome = procedure_description(definitions, instructed, [])
    assert outcome.text == (
        "Pain after the procedure was 3 / 10. There were no complications. Discharged home "
        "with a responsible adult, with written instructions (warning signs, who to call). "
        "Follow-up: Phone call in 1 week, clinic visit in 4 weeks."
    )
    # Any other disposition still asks, required, whether written instructions were given.
    for other in ("home_escort", "home_alone", "observation", "admitted", "ed_transfer", "other"):
        answers = instructed | {"disposition": {"value": other}}
        assert "discharge_instructions" in [
            g.key for g in assess(elements, answers).missing_required
        ], other
    # Until a disposition is chosen the question waits for it (the panel asks disposition).
    empty = without(instructed, "disposition")
    missing = [g.key for g in assess(elements, empty).missing_required]
    assert "disposition" in missing and "discharge_instructions" not in missing
