"""Checks of one code line against its code: units, side, modifiers, technique, sites.

Each function takes the claim and one of the note's own lines and returns problems; none
reads anything but its arguments.
"""

from . import sites
from .problems import ERROR, WARNING, CodingProblem

SIDE_MODIFIERS = {"LT", "RT"}
DISTINCT = {"59", "XE", "XP", "XS", "XU"}
TECHNIQUE_NAMES = {
    "chemical": "chemical neurolysis",
    "thermal_rf": "conventional (thermal) radiofrequency",
    "cooled_rf": "cooled radiofrequency",
    "pulsed_rf": "pulsed radiofrequency",
    "cryo": "cryoneurolysis",
    "chemodenervation": "chemodenervation",
    "nerve_block": "a diagnostic or prognostic block",
}


def _problem(line, message, fix, field, rule, severity=ERROR, source=""):
    return CodingProblem(message, fix, line.index, field, severity, rule, source)


def units(claim, line):
    if line.units < 1:
        return [
            _problem(
                line,
                f"{line.code}: units must be at least 1.",
                "Enter 1 or more.",
                "units",
                "units",
            )
        ]
    return []


def laterality(claim, line):
    spec = claim.spec(line.code)
    kind = spec.get("laterality")
    code, side, mods = line.code, line.side, set(line.modifiers)
    problems = []
    if kind != "none" and not side:
        both = " or bilateral" if kind == "bilateral_allowed" else ""
        problems.append(
            _problem(
                line,
                f"{code} needs a side.",
                f"Choose left, right{both} on the {code} line.",
                "side",
                "side",
            )
        )
    if kind == "none" and side in ("left", "right", "bilateral"):
        problems.append(
            _problem(
                line,
                f"{code} has no side to report ({side} given).",
                "Clear the side on the line; record the side treated in the note.",
                "side",
                "side",
                WARNING,
            )
        )
    if side == "bilateral" and kind == "side_required":
        problems.append(
            _problem(
                line,
                f"{code} cannot be reported bilaterally on one line (CMS bilateral "
                f"indicator {spec.get('bilateral_indicator')}).",
                "Report one line per side, with LT on one and RT on the other.",
                "side",
                "side",
            )
        )
    if "50" in mods and mods & SIDE_MODIFIERS:
        problems.append(
            _problem(
                line,
                f"{code}: modifier 50 and LT/RT on one line contradict each other.",
                "Use 50 alone for both sides, or LT or RT alone for one side.",
                "modifiers",
                "side-modifiers",
            )
        )
    if mods >= SIDE_MODIFIERS:
        problems.append(
            _problem(
                line,
                f"{code}: LT and RT on one line.",
                "Use modifier 50 on one line for both sides.",
                "modifiers",
                "side-modifiers",
            )
        )
    if side == "bilateral" and kind == "bilateral_allowed" and "50" not in mods:
        problems.append(
            _problem(
                line,
                f"{code} is bilateral but has no modifier 50.",
                "Add modifier 50 (one line, one unit per level, for both sides).",
                "modifiers",
                "side-modifiers",
            )
        )
    expected = {"left": "LT", "right": "RT"}.get(side)
    wrong = {"left": "RT", "right": "LT"}.get(side)
    if wrong and wrong in mods:
        problems.append(
            _problem(
                line,
                f"{code}: the side is {side} but the modifier says {wrong}.",
                f"Use {expected} for the {side} side.",
                "modifiers",
                "side-modifiers",
            )
        )
    if side in ("left", "right") and "50" in mods:
        problems.append(
            _problem(
                line,
                f"{code}: modifier 50 on a one-sided line.",
                "Remove 50, or set the side to bilateral.",
                "modifiers",
                "side-modifiers",
            )
        )
    if side == "bilateral" and mods & SIDE_MODIFIERS and "50" not in mods:
        problems.append(
            _problem(
                line,
                f"{code}: the side is bilateral but the modifier says "
                f"{'/'.join(sorted(mods & SIDE_MODIFIERS))}.",
                "Use modifier 50 for both sides.",
                "modifiers",
                "side-modifiers",
            )
        )
    return problems


def modifiers(claim, line):
    table = (claim.rules or {}).get("modifiers") or {}
    spec = claim.spec(line.code)
    allowed = set(spec.get("modifiers") or [])
    code, mods = line.code, line.modifiers
    problems = []
    for modifier in mods:
        known = table.get(modifier)
        if modifier in allowed:
            continue
        if known is None:
            problems.append(
                _problem(
                    line,
                    f"Modifier {modifier} is not one we know for {code}.",
                    f"Check it with the payer; modifiers for {code}: "
                    f"{', '.join(spec.get('modifiers') or []) or 'none'}.",
                    "modifiers",
                    "modifier",
                    WARNING,
                )
            )
            continue
        kind, meaning = known["kind"], known["meaning"]
        fix = known.get("fix") or ""
        if kind in ("drug_line", "em_line", "not_a_modifier", "not_applicable"):
            problems.append(
                _problem(
                    line,
                    f"Modifier {modifier} ({meaning}) does not go on {code}.",
                    fix,
                    "modifiers",
                    "modifier",
                )
            )
        elif kind == "side":
            problems.append(
                _problem(
                    line,
                    f"{code} has no side: modifier {modifier} does not apply.",
                    "Remove it.",
                    "modifiers",
                    "modifier",
                )
            )
        elif kind == "bilateral":
            problems.append(
                _problem(
                    line,
                    f"Modifier 50 does not apply to {code} (CMS bilateral indicator "
                    f"{spec.get('bilateral_indicator')}).",
                    "Report one line per side with LT and RT instead.",
                    "modifiers",
                    "modifier",
                )
            )
        elif kind == "digit" and line.code == "64632":
            problems.append(
                _problem(
                    line,
                    f"Digit modifier {modifier} on 64632: 64632 is billed per web space, and "
                    "whether payers want toe modifiers on it is UNCONFIRMED.",
                    "Use LT/RT and record the web space treated; keep the toe modifier only if "
                    "the payer asks for it.",
                    "modifiers",
                    "modifier",
                    WARNING,
                )
            )
        elif kind == "digit":
            problems.append(
                _problem(
                    line,
                    f"Modifier {modifier} names a finger or toe; {code} is not billed per digit.",
                    "Remove it.",
                    "modifiers",
                    "modifier",
                )
            )
        else:
            problems.append(
                _problem(
                    line,
                    f"Modifier {modifier} ({meaning}) is not expected on {code}.",
                    f"Keep it only if the payer asks for it; modifiers for {code}: "
                    f"{', '.join(spec.get('modifiers') or [])}.",
                    "modifiers",
                    "modifier",
                    WARNING,
                )
            )
    kinds = {m: (table.get(m) or {}).get("kind") for m in mods}
    if "digit" in kinds.values() and set(mods) & (SIDE_MODIFIERS | DISTINCT):
        problems.append(
            _problem(
                line,
                f"{code}: digit modifiers (TA, T1-T9, FA, F1-F9) cannot go with LT/RT or 59/X.",
                "Keep the digit modifier or the side modifier, not both.",
                "modifiers",
                "modifier",
            )
        )
    if "59" in mods and set(mods) & (DISTINCT - {"59"}):
        problems.append(
            _problem(
                line,
                f"{code}: 59 together with an X modifier.",
                "Use the X modifier (XE, XP, XS or XU) alone: it replaces 59.",
                "modifiers",
                "modifier",
                WARNING,
            )
        )
    if {"GA", "GZ"} <= set(mods):
        problems.append(
            _problem(
                line,
                f"{code}: GA (an ABN is on file) and GZ (no ABN) contradict each other.",
                "Keep GA if the patient signed an ABN, GZ if not.",
                "modifiers",
                "modifier",
            )
        )
    if len(set(mods)) != len(mods):
        problems.append(
            _problem(
                line,
                f"{code}: a modifier is listed twice.",
                "List each modifier once.",
                "modifiers",
                "modifier",
            )
        )
    return problems


def effective_technique(claim, line) -> str:
    """The line's own technique; else the note's answer when the code covers it; else the
    code's only technique when another line explains the answer (toxin on 64642 beside
    phenol on 64640); else the answer."""
    if line.technique:
        return line.technique
    answered = claim.answer("technique") or ""
    covered = claim.spec(line.code).get("techniques") or []
    if answered in covered or not answered:
        return answered
    explained = any(
        answered in (claim.spec(other.code).get("techniques") or [])
        for other in claim.own_lines
        if other is not line and not other.technique
    )
    if explained and len(covered) == 1:
        return covered[0]
    return answered


def technique(claim, line):
    used = effective_technique(claim, line)
    covered = claim.spec(line.code).get("techniques") or []
    if not used or used in covered:
        return []
    advice = ((claim.rules or {}).get("techniques") or {}).get(used) or {}
    names = ", ".join(TECHNIQUE_NAMES.get(t, t) for t in covered)
    return [
        _problem(
            line,
            f"{line.code} does not cover {TECHNIQUE_NAMES.get(used, used)}.",
            advice.get("fix")
            or f"{line.code} covers only: {names}. Choose the code that describes what was done.",
            "technique",
            "technique",
            advice.get("severity") or ERROR,
            advice.get("source") or "",
        )
    ]


def site_named(claim, line):
    label = claim.spec(line.code).get("site_label")
    if label and not line.site:
        return [
            _problem(
                line,
                f"{line.code} must name the {label.lower()}.",
                f"Fill in “{label}” on the {line.code} line.",
                "site",
                "site",
            )
        ]
    return []


def site_levels(claim, line):
    """Each site named must be one the code covers, and as many as its units say."""
    spec, billing = claim.spec(line.code), claim.billing(line.code)
    named = sites.parts(line.site)
    if not named or not billing:
        return []
    code, problems = line.code, []
    choices = spec.get("site_choices") or []
    site_codes = (claim.rules or {}).get("site_codes") or {}
    unmatched = []
    if billing.get("strict_sites"):
        for part in named:
            if sites.match(part, choices):
                continue
            unmatched.append(part)
            spinal = sites.level(part)
            elsewhere = site_codes.get(sites.key(part), [])
            if spinal and sites.level(choices[0] if choices else "") is not None:
                where = f"{spinal} is a {sites.region_of_level(spinal)} level"
                fix = (
                    f"Bill {spinal} on {' / '.join(elsewhere)}."
                    if elsewhere
                    else f"Check the level; {code} covers {choices[0]} to {choices[-1]}."
                )
                problems.append(
                    _problem(
                        line,
                        f"{where}: {code} covers the {billing['region']}.",
                        fix,
                        "site",
                        "site-region",
                        source="facet-code-structure" if elsewhere else "",
                    )
                )
            else:
                problems.append(
                    _problem(
                        line,
                        f"“{part}” is not a site {code} covers ({billing['region']}).",
                        f"Name it as one of: {', '.join(choices)}.",
                        "site",
                        "site-region",
                        WARNING,
                    )
                )
    count, rule = len(named), billing.get("sites")
    if unmatched:
        return problems
    if rule == "one" and count > 1:
        problems.append(
            _problem(
                line,
                f"{code} covers one site, but {count} are named ({', '.join(named)}).",
                billing["daily_units_fix"],
                "site",
                "site-count",
                source=billing["daily_units_source"],
            )
        )
    elif rule == "up_to_two" and count > 2:
        problems.append(
            _problem(
                line,
                f"{code} covers at most two sites, but {count} are named.",
                billing["daily_units_fix"],
                "site",
                "site-count",
                source=billing["daily_units_source"],
            )
        )
    elif rule == "per_unit" and line.units >= 1 and count != line.units:
        plural = "s" if line.units != 1 else ""
        problems.append(
            _problem(
                line,
                f"{code} is billed per {spec.get('unit_kind', 'site').replace('_', ' ')}: "
                f"{line.units} unit{plural} but {count} named ({', '.join(named)}).",
                "Make the units the number of sites named, one per unit (with 50, one unit "
                "covers both sides of a site).",
                "units",
                "site-count",
                source=billing["daily_units_source"],
            )
        )
    return problems


def site_side(claim, line):
    """A site whose wording names a side must agree with the line's side (wrong-site)."""
    if line.side not in ("left", "right", "bilateral"):
        return []
    named = sites.sides_named(line.site)
    if not named:
        return []
    if line.side == "bilateral" and named != {"left", "right"}:
        side = named.pop()
        return [
            _problem(
                line,
                f"{line.code}: the line is bilateral but the site names only "
                f"the {side} side (“{line.site}”).",
                "Name both sides in the site, or set the side to the one treated.",
                "site",
                "site-side",
            )
        ]
    if line.side in ("left", "right") and named != {line.side}:
        return [
            _problem(
                line,
                f"{line.code}: the line is {line.side} but the site says “{line.site}”.",
                "Correct the site or the side (and its LT/RT) so they name the side treated.",
                "site",
                "site-side",
            )
        ]
    return []


CHECKS = (units, laterality, modifiers, technique, site_named, site_levels, site_side)
