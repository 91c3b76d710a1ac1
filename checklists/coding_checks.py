"""Coding rules checked beside the form and enforced at signing.

Pure functions: code lines (dicts with code, units, modifiers, side, site), the note's
snapshot of code definitions and the answers in; a list of problems out, each saying
what is wrong and how to fix it. Facts from shared/domain/codes.md.
"""

from dataclasses import dataclass

SIDE_MODIFIERS = {"LT", "RT"}
DIGIT_MODIFIERS = {"TA", "FA"} | {f"T{n}" for n in range(1, 10)} | {f"F{n}" for n in range(1, 10)}
DISTINCT_MODIFIERS = {"59", "XS", "XU", "XE", "XP"}
TECHNIQUE_NAMES = {
    "chemical": "chemical neurolysis",
    "thermal_rf": "conventional (thermal) radiofrequency",
    "cooled_rf": "cooled radiofrequency",
    "pulsed_rf": "pulsed radiofrequency",
    "cryo": "cryoneurolysis",
    "chemodenervation": "chemodenervation",
}
# Where a technique goes when these codes do not cover it.
TECHNIQUE_FIX = {
    "pulsed_rf": "Pulsed RF is not destructive: report the unlisted code 64999 instead.",
    "cryo": "Medicare does not accept cryoneurolysis as 64640: use 0440T-0442T.",
}


@dataclass(frozen=True)
class CodingProblem:
    message: str
    fix: str
    line: int | None = None  # 0-based index of the code line, None for the whole note
    field: str = ""
    severity: str = "error"  # error blocks signing; warning is shown only


def _modifiers(line) -> list[str]:
    return [m.strip().upper() for m in line.get("modifiers") or [] if m and m.strip()]


def check_lines(lines: list[dict], codes: dict[str, dict], answers: dict) -> list[CodingProblem]:
    problems: list[CodingProblem] = []
    if not lines:
        return [CodingProblem("The note has no code.", "Add the code you performed.")]
    on_note = {line["code"] for line in lines}
    technique = (answers.get("technique") or {}).get("value")

    for index, line in enumerate(lines):
        code = line["code"]
        spec = codes.get(code)
        if spec is None:
            problems.append(
                CodingProblem(
                    f"{code} is not in this note's catalog.", "Remove the line.", index, "code"
                )
            )
            continue
        problems += _addon(index, code, spec, on_note)
        problems += _side_and_modifiers(index, line, spec)
        problems += _units(index, line, spec)
        if spec.get("site_label") and not (line.get("site") or "").strip():
            problems.append(
                CodingProblem(
                    f"{code} must name the {spec['site_label'].lower()}.",
                    f"Fill in “{spec['site_label']}” on the {code} line.",
                    index,
                    "site",
                )
            )
        if technique and technique not in spec.get("techniques", []):
            covered = ", ".join(TECHNIQUE_NAMES.get(t, t) for t in spec.get("techniques", []))
            problems.append(
                CodingProblem(
                    f"{code} does not cover {TECHNIQUE_NAMES.get(technique, technique)}.",
                    TECHNIQUE_FIX.get(technique, f"{code} covers only: {covered}."),
                    index,
                    "technique",
                )
            )
    problems += _duplicate_sides(lines, codes)
    problems += _side_answer(lines, answers)
    return problems


SIDE_NAMES = {"left": "left", "right": "right", "bilateral": "both sides", "midline": "midline"}


def sides_of(lines: list[dict]) -> set[str]:
    return {line.get("side") for line in lines if line.get("side")}


def side_answer_for(lines: list[dict]) -> str | None:
    """The "Side treated" answer that agrees with these lines (None when they have no side)."""
    sides = sides_of(lines)
    if not sides:
        return None
    if "bilateral" in sides or {"left", "right"} <= sides:
        return "bilateral"
    return sides.pop()


def documented_side(lines: list[dict]) -> dict:
    """The answer that documents the side these lines bill ({} when they have no side)."""
    side = side_answer_for(lines)
    return {"procedure_side": {"value": side}} if side else {}


def _side_answer(lines, answers):
    """The side documented in the note must be the side on the claim, as the catalog's
    "Side treated" element says: a wrong-site safety check as much as a coding one."""
    said = (answers.get("procedure_side") or {}).get("value")
    agreeing = side_answer_for(lines)
    if not said or said not in SIDE_NAMES or agreeing is None or said == agreeing:
        return []
    return [
        CodingProblem(
            f"Side treated says {SIDE_NAMES[said]}, but the code lines say "
            f"{SIDE_NAMES[agreeing]}.",
            "Correct the side treated, or the side (and LT/RT/50) on the code lines.",
            None,
            "procedure_side",
        )
    ]


def _addon(index, code, spec, on_note):
    primaries = spec.get("addon_of") or []
    if primaries and not on_note.intersection(primaries):
        names = " or ".join(primaries)
        return [
            CodingProblem(
                f"{code} is an add-on code and needs its primary code {names} on the same note.",
                f"Add {names}, or remove {code}.",
                index,
                "code",
            )
        ]
    return []


def _side_and_modifiers(index, line, spec):
    code, side, mods = line["code"], line.get("side") or "", _modifiers(line)
    problems = []
    laterality = spec.get("laterality")
    if laterality != "none" and not side:
        problems.append(
            CodingProblem(
                f"{code} needs a side.",
                "Choose left, right"
                + (" or bilateral" if laterality == "bilateral_allowed" else "")
                + f" on the {code} line.",
                index,
                "side",
            )
        )
    if side == "bilateral" and laterality != "bilateral_allowed":
        problems.append(
            CodingProblem(
                f"{code} cannot be reported bilaterally (CMS bilateral indicator "
                f"{spec.get('bilateral_indicator')}).",
                "Report one line per side with LT and RT, or one side only.",
                index,
                "side",
            )
        )
    if "50" in mods and SIDE_MODIFIERS.intersection(mods):
        problems.append(
            CodingProblem(
                f"{code}: modifier 50 and LT/RT on one line contradict each other.",
                "Use 50 alone for both sides, or LT or RT alone for one side.",
                index,
                "modifiers",
            )
        )
    if "LT" in mods and "RT" in mods:
        problems.append(
            CodingProblem(
                f"{code}: LT and RT on one line.",
                "Use modifier 50 on one line for both sides.",
                index,
                "modifiers",
            )
        )
    if side == "bilateral" and laterality == "bilateral_allowed" and "50" not in mods:
        problems.append(
            CodingProblem(
                f"{code} is bilateral but has no modifier 50.",
                "Add modifier 50 (one line for both sides).",
                index,
                "modifiers",
            )
        )
    expected = {"left": "LT", "right": "RT"}.get(side)
    wrong = {"left": "RT", "right": "LT"}.get(side)
    if wrong and wrong in mods:
        problems.append(
            CodingProblem(
                f"{code}: side is {side} but the modifier says {wrong}.",
                f"Use {expected} for the {side} side.",
                index,
                "modifiers",
            )
        )
    if side in ("left", "right") and "50" in mods:
        problems.append(
            CodingProblem(
                f"{code}: modifier 50 on a one-sided line.",
                "Remove 50, or set the side to bilateral.",
                index,
                "modifiers",
            )
        )
    if DIGIT_MODIFIERS.intersection(mods) and (SIDE_MODIFIERS | DISTINCT_MODIFIERS).intersection(
        mods
    ):
        problems.append(
            CodingProblem(
                f"{code}: digit modifiers (TA, T1-T9, FA, F1-F9) cannot go with LT/RT or 59/X.",
                "Keep the digit modifier or the side modifier, not both.",
                index,
                "modifiers",
            )
        )
    allowed = set(spec.get("modifiers") or [])
    for modifier in mods:
        if modifier == "11":
            problems.append(
                CodingProblem(
                    "11 is not a modifier: it is the place-of-service code for an office.",
                    "Remove 11 from the modifiers and set the place of service instead.",
                    index,
                    "modifiers",
                )
            )
        elif modifier == "26":
            problems.append(
                CodingProblem(
                    f"Modifier 26 does not apply to {code} (no professional/technical split).",
                    "Remove 26; it belongs on separately reported guidance codes like 77002.",
                    index,
                    "modifiers",
                )
            )
        elif modifier not in allowed and modifier not in SIDE_MODIFIERS:
            problems.append(
                CodingProblem(
                    f"Modifier {modifier} does not apply to {code}.",
                    f"Modifiers for {code}: {', '.join(sorted(allowed)) or 'none'}.",
                    index,
                    "modifiers",
                )
            )
    return problems


def _units(index, line, spec):
    code, units = line["code"], line.get("units") or 0
    problems = []
    max_units = spec.get("max_units") or 1
    if units < 1:
        problems.append(
            CodingProblem(f"{code}: units must be at least 1.", "Enter 1 or more.", index, "units")
        )
    elif units > max_units:
        problems.append(
            CodingProblem(
                f"{code} allows at most {max_units} unit{'s' if max_units > 1 else ''} "
                f"per day ({spec.get('unit_of_service')}).",
                f"Reduce the units to {max_units} or fewer.",
                index,
                "units",
            )
        )
    if spec.get("unit_kind") in ("nerve", "branch") and spec.get("site_label"):
        site = (line.get("site") or "").replace(";", ",")
        named = [part for part in site.split(",") if part.strip()]
        if named and units and len(named) != units:
            problems.append(
                CodingProblem(
                    f"{code} is billed per {spec['unit_kind']}: {units} unit"
                    f"{'s' if units != 1 else ''} but {len(named)} named.",
                    "Name each nerve or branch, separated by commas, one per unit.",
                    index,
                    "units",
                )
            )
    return problems


def _duplicate_sides(lines, codes):
    problems = []
    seen: dict[str, int] = {}
    for index, line in enumerate(lines):
        spec = codes.get(line["code"]) or {}
        if spec.get("laterality") != "bilateral_allowed" or spec.get("addon_of"):
            continue
        if line["code"] in seen and {line.get("side"), lines[seen[line["code"]]].get("side")} == {
            "left",
            "right",
        }:
            problems.append(
                CodingProblem(
                    f"{line['code']} appears twice, once per side.",
                    "Report both sides on one line with modifier 50.",
                    index,
                    "side",
                )
            )
        seen.setdefault(line["code"], index)
    return problems


def blocking(problems: list[CodingProblem]) -> list[CodingProblem]:
    return [p for p in problems if p.severity == "error"]
