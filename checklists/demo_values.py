"""Clinically plausible answers for the synthetic demo notes (`seed_demo --notes N`).

The patients are obviously fictional; the notes should not be. Each demo session has a
scenario (diagnosis as ICD-10-CM codes, technique, agent, typical numbers) and every element
gets a value a clinician could have written: pain scores vary, relief is usually but not
always enough, free text names levels, days and doses so notes of different patients do
not read word for word alike. A few notes carry the problems a manager should find: an
aqueous phenol above 7 %, a facet lesion at 78 °C, a weak medial branch block, stock text
pasted into several patients' notes.

Deterministic for a given random generator; no database access (fast enough for 100,000
notes).
"""

import datetime
from dataclasses import dataclass, field

from . import icd10


@dataclass(frozen=True)
class Scenario:
    diagnoses: tuple[tuple[tuple[str, str], ...], ...]  # alternatives, each a list of codes
    technique: str
    indications: tuple[str, ...]
    fixed: dict = field(default_factory=dict)  # key -> value or tuple of alternatives


LUMBAR_FACET = Scenario(
    diagnoses=(
        (("M47.816", "Spondylosis without myelopathy or radiculopathy, lumbar region"),),
        (("M47.817", "Spondylosis without myelopathy or radiculopathy, lumbosacral region"),),
    ),
    technique="thermal_rf",
    indications=(
        "Axial low back pain for {months} months, worse with extension and standing, limiting "
        "walking to about {minutes} minutes; no leg pain or neurological deficit",
        "Bilateral low back pain for {months} months, stiff in the morning and worse after "
        "sitting; needs to stop gardening after {minutes} minutes; straight leg raise negative",
    ),
    fixed={
        "functional_scale_name": "odi",
        "imaging_modality": "fluoroscopy",
        "axial_pain_without_radiculopathy": "yes",
    },
)
SCENARIOS = {
    ("64681",): Scenario(
        diagnoses=(
            (
                ("C53.9", "Malignant neoplasm of cervix uteri, unspecified"),
                ("G89.3", "Neoplasm related pain (acute) (chronic)"),
            ),
            (
                ("C20", "Malignant neoplasm of rectum"),
                ("G89.3", "Neoplasm related pain (acute) (chronic)"),
            ),
        ),
        technique="chemical",
        indications=(
            "Pelvic cancer pain for {months} months, poorly controlled on oral morphine "
            "equivalent {mme} mg a day with constipation and drowsiness; cannot sit through "
            "a meal",
            "Deep central pelvic pain from recurrent disease, {months} months, opioid dose "
            "raised to {mme} mg morphine equivalent a day with sedation limiting the benefit",
        ),
        fixed={
            "neurolytic_agent": "phenol_aqueous",
            "needle_approach_shp": "bilateral_posterior",
            "needle_count": "2",
            "imaging_modality": "fluoroscopy",
            "sedation_level": ("moderate", "minimal"),
        },
    ),
    ("64680",): Scenario(
        diagnoses=(
            (("C25.0", "Malignant neoplasm of head of pancreas"),),
            (("C25.9", "Malignant neoplasm of pancreas, unspecified"),),
        ),
        technique="chemical",
        indications=(
            "Epigastric pain radiating to the back for {months} months from pancreatic cancer, "
            "on {mme} mg morphine equivalent a day with nausea and constipation",
        ),
        fixed={
            "neurolytic_agent": "ethanol",
            "needle_approach_celiac": ("retrocrural", "anterocrural"),
            "needle_count": "2",
            "imaging_modality": ("ct", "fluoroscopy"),
            "sedation_level": "moderate",
        },
    ),
    ("64640",): Scenario(
        diagnoses=(
            (("M19.012", "Primary osteoarthritis, left shoulder"),),
            (("M25.511", "Pain in right shoulder"),),
        ),
        technique="chemical",
        indications=(
            "Shoulder pain for {months} months from glenohumeral arthritis, not fit for "
            "replacement; night pain wakes the patient {nights} times a week",
        ),
        fixed={"neurolytic_agent": "phenol_aqueous", "imaging_modality": "ultrasound"},
    ),
    ("64632",): Scenario(
        diagnoses=(
            (("G57.62", "Lesion of plantar nerve, left lower limb"),),
            (("G57.61", "Lesion of plantar nerve, right lower limb"),),
        ),
        technique="chemical",
        indications=(
            "Burning forefoot pain between the toes for {months} months, worse in shoes; "
            "positive Mulder click; ultrasound shows a {mm} mm neuroma",
        ),
        fixed={"neurolytic_agent": "ethanol", "imaging_modality": "ultrasound"},
    ),
    ("64642", "64643"): Scenario(
        diagnoses=(
            (
                (
                    "I69.351",
                    "Hemiplegia and hemiparesis following cerebral infarction affecting right "
                    "dominant side",
                ),
            ),
            (("G80.1", "Spastic diplegic cerebral palsy"),),
        ),
        technique="chemodenervation",
        indications=(
            "Spasticity of the arm and leg limiting hand hygiene, dressing and gait; "
            "stretching and splinting continued for {months} months",
        ),
        fixed={"imaging_modality": ("ultrasound", "emg"), "toxin_product": "onabotulinumtoxinA"},
    ),
    ("64644",): Scenario(
        diagnoses=((("G35.A", "Relapsing-remitting multiple sclerosis"),),),
        technique="chemodenervation",
        indications=(
            "Upper limb spasticity with a clenched fist and skin breakdown in the palm; "
            "splinting for {months} months",
        ),
        fixed={
            "imaging_modality": "ultrasound",
            "toxin_product": ("onabotulinumtoxinA", "abobotulinumtoxinA"),
        },
    ),
    ("64635", "64636"): LUMBAR_FACET,
    ("64633",): Scenario(
        diagnoses=(
            (("M47.812", "Spondylosis without myelopathy or radiculopathy, cervical region"),),
        ),
        technique="thermal_rf",
        indications=(
            "Axial neck pain for {months} months with headaches, worse turning to drive; no "
            "arm symptoms",
        ),
        fixed={"functional_scale_name": "ndi", "imaging_modality": "fluoroscopy"},
    ),
    ("64625",): Scenario(
        diagnoses=((("M46.1", "Sacroiliitis, not elsewhere classified"),),),
        technique="cooled_rf",
        indications=(
            "Buttock pain below L5 for {months} months, worse rolling in bed and climbing "
            "stairs; relief after two intra-articular blocks",
        ),
        fixed={"imaging_modality": "fluoroscopy"},
    ),
    ("64624",): Scenario(
        diagnoses=(
            (("M17.12", "Unilateral primary osteoarthritis, left knee"),),
            (("M17.11", "Unilateral primary osteoarthritis, right knee"),),
        ),
        technique="thermal_rf",
        indications=(
            "Knee pain from osteoarthritis for {months} months, walks {minutes} minutes before "
            "stopping; not a surgical candidate",
        ),
        fixed={"functional_scale_name": "koos_womac", "imaging_modality": "fluoroscopy"},
    ),
    ("64493",): Scenario(
        diagnoses=LUMBAR_FACET.diagnoses,
        technique="",
        indications=LUMBAR_FACET.indications,
        fixed={"imaging_modality": "fluoroscopy", "block_agent": ("bupivacaine", "lidocaine")},
    ),
}

TEXT = {
    "consent_risks_discussed": (
        "Discussed at the visit on {visit}: bleeding, infection, nerve injury, numbness, a "
        "temporary increase in pain and no relief",
        "Bleeding, infection, new numbness or weakness, vessel puncture and no benefit; "
        "leaflet given on {visit}, questions answered",
    ),
    "medication_contraindication": (
        "NSAIDs avoided: chronic kidney disease stage 3b (eGFR {small}) and a past gastric "
        "ulcer; neuropathic agents caused dizziness and a fall",
        "Anticoagulated for atrial fibrillation; NSAIDs contraindicated, gabapentinoids not "
        "tolerated ({nights} nights of sedation)",
    ),
    "conservative_care_failure": (
        "{weeks} weeks of supervised physical therapy ({sessions} sessions) and daily home "
        "exercise, and paracetamol with an NSAID, gave less than {small} % relief",
        "Medication trials (NSAID, then duloxetine) over {weeks} weeks with side effects and "
        "under {small} % relief; therapy attended {sessions} sessions",
    ),
    "mbb_details": (
        "{level} medial branches, {side}, 0.5 mL bupivacaine 0.5 % each; pain {pre}/10 before, "
        "{post}/10 after; relief lasted about {hours} hours",
    ),
    "prognostic_block_details": (
        "Same target, {volume} mL bupivacaine 0.25 % per side; pain fell from {pre}/10 to "
        "{post}/10 for about {hours} hours",
    ),
    "anticoagulation_plan": (
        "Apixaban held for {days} days, agreed with the prescribing cardiologist; restart "
        "tomorrow morning",
        "Aspirin 81 mg continued (low bleeding risk for this procedure); clopidogrel held "
        "{days} days with the cardiologist's agreement",
    ),
    "allergy_precautions": (
        "Hives with iodinated contrast in {year}; gadolinium used instead, no premedication "
        "needed",
        "Latex: rash ({year})",
    ),
    "target_nerves_levels": ("{side} {level}",),
    "contrast_spread": (
        "Spread along the target on AP and lateral views, no vascular, intrathecal or root spread",
        "Contrast outlined the target at {level} without vascular uptake or spread to the foramen",
    ),
    "sedation_reason": (
        "Unable to lie prone for more than {minutes} minutes because of pain",
        "Severe procedural anxiety (GAD-7 score {gad}) despite an oral anxiolytic",
    ),
    "local_anesthetic_test_dose": ("Lidocaine 1 %, {volume} mL", "Lidocaine 2 %, {volume} mL"),
    "rf_device": ("Conventional probe", "Curved conventional", "Cooled RF probe"),
    "neurolytic_volume_by_site": ("{half} mL at each site",),
    "guidance_reason": (
        "Small, closely packed forearm muscles; EMG confirmed the flexor digitorum "
        "superficialis and profundus separately",
        "Deep calf muscles in a patient with oedema: ultrasound with stimulation to "
        "confirm the tibialis posterior",
    ),
    "toxin_dilution": ("100 U/{ml} mL saline",),
    "muscles_injected": (
        "{side} upper extremity: biceps {a} U, brachioradialis {b} U, flexor carpi radialis "
        "{c} U. {side} lower extremity: gastrocnemius {d} U, soleus {b} U",
    ),
    "toxin_lot": ("Lot C{lot}, expires 2027-{month:02d}",),
    "prior_toxin_response": (
        "Less elbow and wrist flexor tone for about {weeks} weeks, easier to open the hand; no "
        "weakness or swallowing problems",
    ),
    "treatment_goals_baseline": (
        "Modified Ashworth {mas} at the elbow flexors and {mas2} at the wrist flexors on "
        "{visit}; goal: hand hygiene without help",
    ),
    "post_procedure_exam": (
        "At {time}: strength unchanged in both legs, sensation intact, puncture sites dry",
        "Checked at {time}: moving all limbs as before, no new numbness, dressing dry",
        "Walked unaided at {time}; sensation unchanged; no swelling at the sites",
    ),
    "complication_details": (
        "Brief vasovagal episode on sitting up; legs raised, recovered in {minutes} minutes",
        "Soreness at the needle sites, ice and paracetamol advised",
    ),
    "follow_up_plan": (
        "Clinic visit on {follow_up} to record pain and function; call sooner for weakness "
        "or fever",
        "Phone review in 1 week and clinic visit on {follow_up} with a pain diary",
    ),
    "consent_exception": ("Consent given by the patient's health care proxy (daughter)",),
    "repeat_injection_justification": (
        "Pain down from 8/10 to 4/10 after the first three injections; one more expected to "
        "settle it",
    ),
    "implanted_device_plan": (
        "Spinal cord stimulator switched off before lesioning and checked afterwards",
    ),
    "block_agent_details": ("0.5 %, no steroid", "0.75 %, no additive"),
    "other_agent_details": ("Glycerol 50 %",),
    "prior_authorization": ("PA-{lot}",),
}
# Pasted into several patients' notes by one clinician: the possibly-cloned report finds it.
STOCK_TEXT = "Procedure explained, patient agreed, tolerated well, discharged in good condition"
WEB_SPACES = {"1st": "1", "2nd": "2", "3rd": "3", "4th": "4"}


def _pick(rng, value):
    return rng.choice(value) if isinstance(value, tuple) else value


def _words(rng, dos, *, level="L4-L5", side="Left", pain_pre=7, pain_post=2) -> dict:
    """The figures free text is written with, drawn once per note."""
    return {
        "months": rng.randint(4, 36),
        "minutes": rng.choice([5, 10, 15, 20, 30]),
        "mme": rng.choice([60, 90, 120, 180, 240]),
        "nights": rng.randint(2, 6),
        "mm": rng.randint(4, 9),
        "weeks": rng.randint(6, 16),
        "small": rng.choice([20, 30]),
        "sessions": rng.randint(6, 14),
        "level": level,
        "side": side,
        "pre": pain_pre,
        "post": pain_post,
        "hours": rng.randint(4, 10),
        "volume": rng.choice([1, 2, 3]),
        "half": rng.choice([3, 4]),
        "days": rng.choice([2, 3, 5, 7]),
        "year": rng.randint(2005, 2022),
        "gauge": rng.choice([18, 20]),
        "tip": rng.choice([5, 10]),
        "ml": rng.choice([1, 2, 4]),
        "a": rng.choice([50, 75, 100]),
        "b": rng.choice([25, 40, 50]),
        "c": rng.choice([25, 30, 40]),
        "d": rng.choice([75, 100]),
        "lot": rng.randint(1000000, 9999999),
        "month": rng.randint(1, 12),
        "mas": rng.choice([2, 3]),
        "mas2": rng.choice([1, 2, 3]),
        "gad": rng.randint(10, 21),
        "visit": (dos - datetime.timedelta(days=rng.randint(7, 40))).strftime("%m/%d/%Y"),
        "follow_up": (dos + datetime.timedelta(weeks=rng.randint(2, 12))).strftime("%m/%d/%Y"),
        "time": f"{rng.randint(8, 16):02d}:{rng.randrange(0, 60, 5):02d}",
    }


class _Writer:
    def __init__(self, rng, scenario, lines, dos):
        self.rng = rng
        self.scenario = scenario
        self.lines = lines
        self.dos = dos
        side = next((line["side"] for line in lines if line["side"]), "")
        self.side = {"left": "Left", "right": "Right", "bilateral": "Bilateral"}.get(side, "Left")
        self.level = next((line["site"] for line in lines if line["site"]), "L4-L5")
        self.pain_pre = rng.randint(5, 9)
        self.pain_post = max(0, self.pain_pre - rng.choice([1, 2, 3, 4, 5, 6, 6]))
        self.words = _words(
            rng,
            dos,
            level=self.level,
            side=self.side,
            pain_pre=self.pain_pre,
            pain_post=self.pain_post,
        )

    def date(self, low, high):
        return (self.dos - datetime.timedelta(days=self.rng.randint(low, high))).isoformat()

    def text(self, key, element):
        templates = TEXT.get(key)
        if key == "indication":
            templates = self.scenario.indications
        if not templates:
            return f"{element['label'].split('(')[0].strip()}: see the procedure record"
        return self.rng.choice(templates).format(**self.words)

    def number(self, key):
        rng = self.rng
        ranges = {
            "pain_duration_months": (4, 60),
            "functional_scale_score": (24, 62),
            "mbb1_relief": (80, 100),
            "mbb2_relief": (80, 100),
            "prior_rf_relief": (50, 90),
            "prior_rf_relief_months": (6, 14),
            "rf_sessions_region_12mo": (0, 1),
            "prognostic_block_relief": (60, 95),
            "si_provocation_tests": (3, 5),
            "morton_series_number": (1, 4),
            "contrast_volume": (1, 5),
            "rf_duration": (80, 90),
            "rf_lesion_count": (1, 3),
            "cannula_gauge": (18, 20),
            "active_tip_length": (5, 10),
            "ablation_duration_min": (12, 15),
            "block_volume": (1, 3),
            "block_relief_percent": (50, 100),
            "block_relief_duration_hours": (3, 10),
            "toxin_dose_units": (150, 400),
            "toxin_dose_units_abo": (500, 1000),
            "toxin_dose_units_rima": (2500, 5000),
            "toxin_wasted_units": (10, 50),
            "needle_count": (1, 2),
            "block_relief": (60, 90),
        }
        if key == "pain_duration_months":
            return str(self.words["months"])
        if key in ("rf_temperature",):
            return str(
                60 if self.scenario.technique == "cooled_rf" else rng.choice([80, 85, 85, 90])
            )
        if key == "sensory_threshold":
            return str(rng.choice(["0.3", "0.4", "0.5", "0.6"]))
        if key == "motor_threshold":
            return str(rng.choice(["1.5", "2", "2"]))
        if key == "ethanol_concentration":
            morton = any(line["code"] == "64632" for line in self.lines)
            return str(rng.choice([4, 20, 30]) if morton else rng.choice([50, 75, 100]))
        if key == "phenol_concentration":
            return str(rng.choice([6, 6, 7]))
        if key == "neurolytic_volume":
            codes = {line["code"] for line in self.lines}
            if "64680" in codes:
                return str(rng.choice([20, 25, 30]))
            if "64681" in codes:
                return str(rng.choice([12, 14, 16]))
            if "64632" in codes:
                return "0.5"
            return str(rng.choice([2, 3]))
        if key == "block_volume":
            return str(rng.choice(["0.5", "1"]))
        low, high = ranges.get(key, (1, 5))
        return str(rng.randint(low, high))

    def choice(self, key, element):
        values = [pair[0] for pair in element.get("choices") or []]
        rng = self.rng
        preferred = {
            "informed_consent": "yes",
            "time_out": "yes",
            "images_stored": "yes",
            "vital_signs_monitored": "yes",
            "discharge_instructions": "yes",
            "axial_pain_without_radiculopathy": "yes",
            "contrast_agent": "iohexol",
            "prior_rf_same_region": rng.choice(["none", "none", "none", "yes"]),
            "anticoagulation_status": rng.choice(
                ["none"] * 7 + ["antiplatelet"] * 2 + ["anticoagulant"]
            ),
            "implanted_device": rng.choice(["none"] * 9 + ["stimulator"]),
            "pregnancy_status": rng.choice(
                ["not_applicable", "not_applicable", "patient_states", "test_negative"]
            ),
            "sedation_level": rng.choice(["none", "none", "none", "minimal"]),
            "toxin_waste_modifier": rng.choice(["JZ", "JZ", "JZ", "JW"]),
            "block_purpose": rng.choice(["diagnostic_first", "diagnostic_confirmatory"]),
            "mri_modic_changes": "modic_1",
            "functional_scale_name": "odi",
        }
        wanted = _pick(rng, self.scenario.fixed.get(key, preferred.get(key)))
        if wanted in values:
            return wanted
        return values[0] if values else "yes"

    def multi(self, key, element):
        values = [pair[0] for pair in element.get("choices") or [] if pair[0] != "other"]
        if key == "complications":
            if self.rng.random() < 0.9 or len(values) < 3:
                return ["none"]
            return [
                self.rng.choice(
                    [v for v in values if v in ("vasovagal", "back_pain", "bleeding_hematoma")]
                    or values[1:2]
                )
            ]
        if key == "allergies":
            roll = self.rng.random()
            return ["contrast"] if roll < 0.08 else ["latex"] if roll < 0.11 else ["none_known"]
        if key == "interspace_treated":
            for line in self.lines:
                number = WEB_SPACES.get(line["site"])
                if number and line["side"] in ("left", "right"):
                    return [f"{line['side']}_{number}"]
            return values[:1]
        return self.rng.sample(values, k=min(len(values), self.rng.randint(2, 3)))

    def value(self, element):
        key, kind = element["key"], element["input_type"]
        if key in self.scenario.fixed and kind not in ("choice", "multi_choice", "yes_no"):
            return {"value": _pick(self.rng, self.scenario.fixed[key])}
        if key == "diagnosis":
            return diagnosis_answer(
                tuple(dict.fromkeys(line["code"] for line in self.lines)), self.rng
            )
        if key == "technique" and self.scenario.technique:
            return {"value": self.scenario.technique}
        if key == "pain_score_pre":
            return {"value": self.pain_pre}
        if key == "pain_score_post":
            return {"value": self.pain_post}
        if key == "mbb1_date":
            return {"value": self.date(45, 70)}
        if key == "mbb2_date":
            return {"value": self.date(14, 30)}
        if kind == "date":
            return {"value": self.date(14, 400)}
        if kind == "datetime":
            return {"value": f"{self.dos.isoformat()}T09:30:00"}
        if kind in ("choice", "yes_no"):
            return {"value": self.choice(key, element)}
        if kind == "multi_choice":
            return {"value": self.multi(key, element)}
        if kind in ("number", "percent"):
            return {"value": self.number(key)}
        if kind == "pain_score":
            return {"value": self.pain_pre}
        if key == "repeat_injection_justification":
            return {"na_reason": element["na_reasons"][0]}
        return {"value": self.text(key, element)}


# One typical value per element, for demo notes written scenario by scenario
# (rules/demo.py): numbers a clinician would record, text without placeholders.
TYPICAL = {
    "pain_duration_months": "18",
    "functional_scale_score": "44",
    "prior_rf_relief_months": "9",
    "rf_sessions_region_12mo": "1",
    "si_provocation_tests": "4",
    "morton_series_number": "2",
    "site_injections_6mo": "2",
    "contrast_volume": "2",
    "neurolytic_volume": "0.5",
    "ethanol_concentration": "20",
    "rf_duration": "90",
    "rf_lesion_count": "2",
    "sensory_threshold": "0.4",
    "motor_threshold": "2",
    "cannula_gauge": "18",
    "active_tip_length": "10",
    "needle_count": "1",
    "block_volume": "0.5",
    "block_relief_duration_hours": "6",
    "pain_score_pre": 7,
    "pain_score_post": 2,
}
TYPICAL_WORDS = {
    "months": 18, "minutes": 15, "mme": 90, "nights": 3, "mm": 6, "weeks": 8, "small": 30,
    "sessions": 10, "level": "L4-L5", "side": "Left", "pre": 7, "post": 1, "hours": 6,
    "volume": 2, "half": 3, "days": 3, "year": 2015, "gauge": 18, "tip": 10, "ml": 2,
    "a": 100, "b": 50, "c": 30, "d": 100, "lot": 4711001, "month": 6, "mas": 3, "mas2": 2,
    "gad": 14, "visit": "the last visit", "follow_up": "the visit in 6 weeks", "time": "10:30",
}  # fmt: skip


def diagnosis_answer(codes, rng) -> dict:
    """The coded diagnosis of a demo note for these codes (checklists/diagnoses.py shape)."""
    scenario = SCENARIOS.get(tuple(codes)) or SCENARIOS.get(tuple(codes)[:1]) or LUMBAR_FACET
    chosen = rng.choice(scenario.diagnoses)
    # The description and release come from the code set itself (checklists.icd10).
    return icd10.answer_for(*(code for code, _ in chosen))


def typical_text(element, rng=None, dos=None) -> str:
    """A plausible free-text answer for an element (no scenario needed); with a random
    generator, one of the element's phrasings with figures of its own, so that notes of
    different patients do not read word for word alike."""
    templates = TEXT.get(element["key"])
    if element["key"] == "indication":
        templates = LUMBAR_FACET.indications
    if not templates:
        return f"{element['label'].split('(')[0].strip()}: see the procedure record"
    if rng is None:
        return templates[0].format(**TYPICAL_WORDS)
    return rng.choice(templates).format(**_words(rng, dos or datetime.date(2026, 1, 1)))


def problem(rng):
    """Which problem, if any, this note carries (about one note in seven)."""
    roll = rng.random()
    if roll < 0.04:
        return "stock_text"
    if roll < 0.07:
        return "strong_aqueous_phenol"
    if roll < 0.10:
        return "cool_facet_lesion"
    if roll < 0.13:
        return "weak_block"
    if roll < 0.15:
        return "consent_no_reason"
    return ""


def demo_answers(definitions, lines, rng, fill, dos, applies) -> dict:
    """Answers for a demo note; `fill` is the share of elements answered (1.0: all).

    `applies(element, answers)` is completeness.applies: an element is answered only when
    the answers so far ask for it, so chains (technique, agent, concentration) settle.
    """
    codes = tuple(dict.fromkeys(line["code"] for line in lines))
    scenario = SCENARIOS.get(codes) or SCENARIOS[("64635", "64636")]
    writer = _Writer(rng, scenario, lines, dos)
    answers = {}
    if scenario.technique:
        answers["technique"] = {"value": scenario.technique}
    flaw = problem(rng)
    skipped = set()
    for _ in range(3):  # conditions can chain: settle them
        for element in definitions["elements"]:
            key = element["key"]
            if key in answers or key in skipped or not applies(element, answers):
                continue
            if fill < 1 and rng.random() > fill:
                skipped.add(key)
                continue
            answers[key] = writer.value(element)
    _agree(answers, codes, lines)
    _apply(flaw, answers, codes)
    return answers


def _agree(answers, codes, lines):
    """Figures that must agree with each other in one note."""
    agree_volumes(answers, codes, lines)
    pre = (answers.get("pain_score_pre") or {}).get("value")
    post = (answers.get("pain_score_post") or {}).get("value")
    if "block_relief_percent" in answers and pre and post is not None:
        answers["block_relief_percent"] = {"value": str(round((pre - post) * 100 / pre))}


def agree_volumes(answers, codes, lines):
    """The volume per site told from the total (the sampled texts do not know it)."""
    volume = (answers.get("neurolytic_volume") or {}).get("value")
    if volume and "neurolytic_volume_by_site" in answers:
        # The total and the volume per site must add up.
        if set(codes) & {"64680", "64681"}:
            half = format(float(volume) / 2, "g")
            answers["neurolytic_volume_by_site"] = {"value": f"{half} mL on each side"}
        else:
            site = next((line["site"] for line in lines if line["site"]), "target")
            if "64632" in codes and site[:1].isdigit():  # the web space: "2nd"
                site = f"{site} web space"
            answers["neurolytic_volume_by_site"] = {"value": f"{volume} mL at the {site}"}


def _apply(flaw, answers, codes):
    if flaw == "stock_text" and "post_procedure_exam" in answers:
        answers["post_procedure_exam"] = {"value": STOCK_TEXT}
    elif flaw == "strong_aqueous_phenol" and "phenol_concentration" in answers:
        answers["phenol_concentration"] = {"value": "10"}
    elif flaw == "cool_facet_lesion" and "rf_temperature" in answers and "64635" in codes:
        answers["rf_temperature"] = {"value": "78"}
    elif flaw == "weak_block" and "mbb2_relief" in answers:
        answers["mbb2_relief"] = {"value": "60"}
    elif flaw == "consent_no_reason" and "informed_consent" in answers:
        answers["informed_consent"] = {"value": "no"}
        answers.pop("consent_exception", None)
