"""Checks across every line of the date of service: add-ons, daily units, caps, code pairs,
sites billed twice, guidance, reduced services, the side documented, the CPT year.

A problem is reported on the note's own line it concerns (the first one, when several do);
lines of the patient's other notes of the day count but are named, not reported on.
"""

from collections import defaultdict

from . import sites
from .problems import ERROR, NOTICE, WARNING, CodingProblem
from .sides import SIDE_NAMES, side_answer_for

DISTINCT = {"59", "XE", "XP", "XS", "XU"}
GUIDANCE_WORDS = {
    "none": "without imaging",
    "ct": "under CT",
    "emg": "under needle EMG",
    "electrical_stimulation": "under electrical stimulation",
}


def _on(line, message, fix, field, rule, severity=ERROR, source=""):
    return CodingProblem(message, fix, line.index, field, severity, rule, source)


def _first_own(lines):
    return next((line for line in lines if line.own), None)


def addon_primary(claim):
    problems = []
    on_claim = {line.code for line in claim.lines}
    tolerated = (claim.rules or {}).get("addon_primaries") or []
    for line in claim.own_lines:
        # A primary the catalog doubts (a warning below) still counts as a primary here.
        primaries = list(claim.spec(line.code).get("addon_of") or []) + [
            rule["primary"] for rule in tolerated if rule["addon"] == line.code
        ]
        if primaries and not on_claim.intersection(primaries):
            names = " or ".join(primaries)
            problems.append(
                _on(
                    line,
                    f"{line.code} is an add-on code and needs its primary "
                    f"code {names} on the same date of service.",
                    f"Add {names}, or remove {line.code}.",
                    "code",
                    "addon",
                )
            )
    for rule in tolerated:
        addon_lines = [line for line in claim.own_lines if line.code == rule["addon"]]
        primaries = set(claim.spec(rule["addon"]).get("addon_of") or [])
        if (
            addon_lines
            and rule["primary"] in on_claim
            and not ((primaries - {rule["primary"]}) & on_claim)
        ):
            problems.append(
                _on(
                    addon_lines[0],
                    rule["message"],
                    rule["fix"],
                    "code",
                    "addon-primary",
                    rule["severity"],
                    rule["source"],
                )
            )
    return problems


def _daily_fix(claim, code, lines, billing):
    """The advice that fits: both sides of one site on two lines is one line with 50."""
    named = [tuple(sites.key(p) for p in sites.parts(line.site)) for line in lines]
    sides = {line.side for line in lines}
    if (
        len(lines) == 2
        and named[0]
        and named[0] == named[1]
        and sides == {"left", "right"}
        and "50" in (claim.spec(code).get("modifiers") or [])
    ):
        site = lines[0].site
        return f"Report both sides of {site} on one {code} line with modifier 50 and 1 unit."
    first = sites.parts(lines[0].site)
    later = [p for line in lines[1:] for p in sites.parts(line.site) if p not in first]
    if first and later and billing.get("sites") == "one":
        advice = billing["daily_units_fix"]
        return (
            f"Keep {first[0]} on {code} and move {', '.join(dict.fromkeys(later))}: "
            f"{advice[:1].lower()}{advice[1:]}"
        )
    return billing["daily_units_fix"]


def daily_units(claim):
    problems = []
    by_code = defaultdict(list)
    for line in claim.lines:
        by_code[line.code].append(line)
    for code, lines in by_code.items():
        billing = claim.billing(code)
        first = _first_own(lines)
        if not billing or first is None:
            continue
        total = sum(max(line.units, 0) for line in lines)
        limit = billing["daily_units"]
        if total <= limit:
            continue
        where = ", ".join(line.where for line in lines)
        spread = f" on {len(lines)} lines ({where})" if len(lines) > 1 else ""
        severity = ERROR if billing.get("daily_units_confirmed", True) else WARNING
        unconfirmed = "" if severity == ERROR else " (a practical ceiling, UNCONFIRMED)"
        problems.append(
            _on(
                first,
                f"{code} is billed {total} units{spread} this date of service; it allows "
                f"{limit}{unconfirmed}.",
                _daily_fix(claim, code, lines, billing),
                "units",
                "daily-units",
                severity,
                billing["daily_units_source"],
            )
        )
    return problems


def caps(claim):
    problems = []
    for cap in (claim.rules or {}).get("caps") or []:
        lines = claim.lines_of(cap["codes"])
        first = _first_own(lines)
        total = sum(max(line.units, 0) for line in lines)
        if first is None or total <= cap["max"]:
            continue
        severity = ERROR if cap.get("confirmed", True) else WARNING
        problems.append(
            _on(
                first,
                f"{total} {cap['message']} on this date of service; at most {cap['max']}.",
                cap["fix"],
                "units",
                "cap",
                severity,
                cap["source"],
            )
        )
    return problems


def pairs(claim):
    problems = []
    for pair in (claim.rules or {}).get("pairs") or []:
        first, second = pair["codes"]
        lines_a, lines_b = claim.lines_of([first]), claim.lines_of([second])
        if not lines_a or not lines_b:
            continue
        reported = _first_own(lines_b) or _first_own(lines_a)
        if reported is None:
            continue
        if pair["kind"] == "exclusive":
            problems.append(
                _on(
                    reported,
                    pair["message"],
                    pair["fix"],
                    "code",
                    "pair-exclusive",
                    ERROR,
                    pair["source"],
                )
            )
        elif not all(DISTINCT & set(line.modifiers) for line in lines_b):
            severity = ERROR if pair.get("confirmed", True) else WARNING
            problems.append(
                _on(
                    reported,
                    pair["message"],
                    pair["fix"],
                    "modifiers",
                    "pair-bundled",
                    severity,
                    pair["source"],
                )
            )
    return problems


def _places(line):
    """(site, side) pairs a line bills; a bilateral line bills both sides."""
    named = [sites.key(part) for part in sites.parts(line.site)]
    sides = ("left", "right") if line.side == "bilateral" else (line.side,)
    return [(site, side) for site in named for side in sides]


def sites_billed_twice(claim):
    problems, seen = [], {}
    twice: dict[tuple, list[str]] = {}  # (line billing it again, line billing it first) -> sites
    for line in claim.lines:
        billing = claim.billing(line.code)
        if not billing:
            continue
        for place in _places(line):
            key = (billing["series"], *place)
            earlier = seen.setdefault(key, line)
            if earlier is line and line.own and _count(line, place) > 1:
                twice.setdefault((line, line), []).append(_label(line, place))
            elif earlier is not line and (line.own or earlier.own):
                twice.setdefault((line, earlier), []).append(_label(line, place))
    for (line, earlier), labels in twice.items():
        labels = list(dict.fromkeys(labels))
        if line is earlier:
            problems.append(
                _on(
                    line,
                    f"{line.code} names {', '.join(labels)} twice.",
                    "Name each site once.",
                    "site",
                    "site-twice",
                )
            )
            continue
        target = line if line.own else earlier
        problems.append(
            _on(
                target,
                f"{', '.join(labels)} billed twice: {earlier.code} ({earlier.where}) and "
                f"{line.code} ({line.where}).",
                "Bill each site once: remove it from one line.",
                "site",
                "site-twice",
                ERROR,
                "facet-code-structure",
            )
        )
    return problems


def _count(line, place):
    return [sites.key(p) for p in sites.parts(line.site)].count(place[0])


def _label(line, place):
    site = next(p for p in sites.parts(line.site) if sites.key(p) == place[0])
    return f"{site} {place[1]}".strip()


def primary_and_addon_same_level(claim):
    """The same level on the primary (one side) and its add-on (the other side) is the
    primary with 50, not an additional joint."""
    problems = []
    for line in claim.own_lines:
        primaries = claim.spec(line.code).get("addon_of") or []
        if not primaries or line.side not in ("left", "right"):
            continue
        for other in claim.lines_of(primaries):
            if (
                other.side in ("left", "right")
                and other.side != line.side
                and {sites.key(p) for p in sites.parts(other.site)}
                & {sites.key(p) for p in sites.parts(line.site)}
            ):
                problems.append(
                    _on(
                        line,
                        f"{line.code} ({line.side}) bills the level {other.code} "
                        f"({other.side}) already bills: both sides of one level are one joint "
                        "level with modifier 50, not an additional joint.",
                        f"Report that level on one {other.code} line with modifier 50 and remove "
                        f"it from {line.code}.",
                        "site",
                        "addon-same-level",
                        ERROR,
                        "facet-code-structure",
                    )
                )
    return problems


def guidance(claim):
    used = claim.answer("imaging_modality")
    if not used:
        return []
    problems = []
    for rule in (claim.rules or {}).get("guidance") or []:
        hit = used in rule["in"] if rule.get("in") else used not in rule["not_in"]
        if not hit:
            continue
        for code in rule["codes"]:
            line = _first_own(claim.lines_of([code]))
            if line is None:
                continue
            name = GUIDANCE_WORDS.get(used, f"under {used}")
            problems.append(
                _on(
                    line,
                    rule["message"].format(code=code, guidance=name),
                    rule["fix"],
                    "imaging_modality",
                    "guidance",
                    rule["severity"],
                    rule["source"],
                )
            )
    return problems


def reduced(claim):
    problems = []
    for rule in (claim.rules or {}).get("reduced") or []:
        for line in claim.own_lines:
            if line.code not in rule["codes"] or "52" in line.modifiers:
                continue
            answered = claim.answer(rule["element"])
            if not isinstance(answered, list):
                continue
            count = len(set(answered) & set(rule["count"]))
            if count < rule["min"]:
                problems.append(
                    _on(
                        line,
                        rule["message"].format(count=count),
                        rule["fix"],
                        "modifiers",
                        "reduced",
                        WARNING,
                        rule["source"],
                    )
                )
    return problems


def side_answer(claim):
    """The side documented must be the side on the claim: a wrong-site check as much as a
    coding one."""
    said = claim.answer("procedure_side")
    own = [{"side": line.side} for line in claim.own_lines]
    agreeing = side_answer_for(own)
    if not said or said not in SIDE_NAMES or agreeing is None or said == agreeing:
        return []
    return [
        CodingProblem(
            f"Side treated says {SIDE_NAMES[said]}, but the code lines say "
            f"{SIDE_NAMES[agreeing]}.",
            "Correct the side treated, or the side (and LT/RT/50) on the code lines.",
            None,
            "procedure_side",
            ERROR,
            "side-answer",
        )
    ]


def cpt_year(claim):
    if not claim.date_of_service or not claim.cpt_year:
        return []
    if claim.date_of_service.year == claim.cpt_year:
        return []
    return [
        CodingProblem(
            f"This note is dated {claim.date_of_service.year}, but the catalog's codes were "
            f"checked against CPT {claim.cpt_year}.",
            f"Check each code against your {claim.date_of_service.year} CPT book before billing.",
            None,
            "",
            NOTICE,
            "cpt-year",
            "cms-pfs-2025",
        )
    ]


CHECKS = (
    addon_primary,
    daily_units,
    caps,
    pairs,
    sites_billed_twice,
    primary_and_addon_same_level,
    guidance,
    reduced,
    side_answer,
    cpt_year,
)
