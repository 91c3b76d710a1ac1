"""Plausibility warnings: values a clinician may well mean, but that are unusual enough to
check (shared/domain/note-fields.md, "Sanity checks"). Warnings never block signing; the
hard limits are the elements' ranges, which the form refuses.

Pure: the note's snapshot and answers in, warnings out, in the elements' order.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .completeness import applicable_elements

FACET_RF = {"64633", "64634", "64635", "64636"}
SHP = "64681"
CELIAC = "64680"
MORTON = "64632"
PHENOL = {"phenol_aqueous", "phenol_glycerin", "phenol_contrast"}


@dataclass(frozen=True)
class PlausibilityWarning:
    key: str
    message: str


def _number(answers, key) -> Decimal | None:
    value = (answers.get(key) or {}).get("value")
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _choice(answers, key):
    return (answers.get(key) or {}).get("value")


def _checks(codes: set[str], answers: dict):
    """(key, message) for every check that fires, in no particular order."""
    number = lambda key: _number(answers, key)  # noqa: E731 - local shorthand
    agent = _choice(answers, "neurolytic_agent")
    technique = _choice(answers, "technique")

    phenol = number("phenol_concentration")
    if phenol is not None and agent == "phenol_aqueous" and phenol > 7:
        yield (
            "phenol_concentration",
            (
                f"Aqueous phenol dissolves only up to about 7 %: {phenol} % needs glycerin or "
                "contrast as the vehicle. Check the concentration or the agent."
            ),
        )
    if phenol is not None and agent in PHENOL and phenol < 3:
        yield (
            "phenol_concentration",
            (
                f"Phenol below 3 % acts mainly as a local anesthetic: is {phenol} % meant as "
                "neurolysis?"
            ),
        )
    ethanol = number("ethanol_concentration")
    if ethanol is not None and agent == "ethanol" and ethanol < 35 and MORTON not in codes:
        yield (
            "ethanol_concentration",
            (
                f"Ethanol neurolysis needs at least 35-50 % (usually 50-100 %); {ethanol} % is "
                "the strength of a sclerosing (Morton's neuroma) injection."
            ),
        )

    volume = number("neurolytic_volume")
    if volume is not None and SHP in codes and agent in PHENOL:
        both = (
            _choice(answers, "procedure_side") == "bilateral"
            or _choice(answers, "needle_approach_shp") == "bilateral_posterior"
        )
        sides = 2 if both else 1
        if volume > 10 * sides:
            yield (
                "neurolytic_volume",
                (
                    f"{volume} mL of phenol is more than 10 mL per side at the superior "
                    "hypogastric plexus (usual: 6-8 mL per side)."
                ),
            )
    if volume is not None and CELIAC in codes and agent == "ethanol" and volume > 50:
        yield (
            "neurolytic_volume",
            (
                f"{volume} mL of ethanol is more than the usual 15-40 mL (at most about 50 mL) at "
                "the celiac plexus."
            ),
        )

    temperature = number("rf_temperature")
    if temperature is not None and technique == "thermal_rf":
        if codes & FACET_RF and temperature <= 80:
            yield (
                "rf_temperature",
                (
                    f"The facet LCDs require a lesion above 80 °C; {temperature} °C does not "
                    "meet it."
                ),
            )
        elif temperature < 60:
            yield (
                "rf_temperature",
                (
                    f"{temperature} °C is below the usual 60-80 °C of a conventional lesion: "
                    "a lesion this cool may not destroy the nerve."
                ),
            )
        if temperature > 90:
            yield (
                "rf_temperature",
                (f"{temperature} °C is above the usual 60-90 °C of a conventional lesion."),
            )
    duration = number("rf_duration")
    if duration is not None and technique == "thermal_rf" and not 45 <= duration <= 180:
        yield (
            "rf_duration",
            (f"{duration} s per lesion is outside the usual 60-90 s of a conventional lesion."),
        )
    sensory = number("sensory_threshold")
    if sensory is not None and sensory > 1:
        yield (
            "sensory_threshold",
            (
                f"A sensory threshold of {sensory} V suggests the probe is not close to the nerve "
                "(usual: about 0.5 V)."
            ),
        )

    if codes & FACET_RF:
        for key in ("mbb1_relief", "mbb2_relief"):
            relief = number(key)
            if relief is not None and relief < 80:
                yield (
                    key,
                    f"Facet RF needs at least 80 % relief from each block; {relief} % is less.",
                )
    sessions = number("rf_sessions_region_12mo")
    if sessions is not None and sessions >= 2:
        yield (
            "rf_sessions_region_12mo",
            (
                f"Medicare covers at most 2 RF sessions per spinal region in 12 months; with "
                f"{sessions} before, this would be session {sessions + 1}."
            ),
        )

    series = number("morton_series_number")
    if series is not None and series > 7:
        yield (
            "morton_series_number",
            (
                f"Injection {series} makes a series longer than the usual 3-7 injections: "
                "record why in the indication."
            ),
        )


def check(definitions: dict, answers: dict) -> tuple[PlausibilityWarning, ...]:
    """Warnings for the answers that apply, in the order of the note's elements."""
    answers = answers or {}
    applicable = applicable_elements(definitions.get("elements", []), answers)
    order = {element["key"]: index for index, element in enumerate(applicable)}
    codes = set(definitions.get("codes", {}))
    found = [
        PlausibilityWarning(key, message)
        for key, message in _checks(codes, answers)
        if key in order
    ]
    return tuple(sorted(found, key=lambda w: order[w.key]))


def for_note(note) -> tuple[PlausibilityWarning, ...]:
    """The note's warnings, worked out once per request however often a template asks."""
    cached = note.__dict__.get("_plausibility")
    if cached is None or cached[0] != note.version:
        cached = (note.version, check(note.definitions, note.answers or {}))
        note.__dict__["_plausibility"] = cached
    return cached[1]
