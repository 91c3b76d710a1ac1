"""The named check kinds a rule pack may use, each with its parameters and a pure function.

A pack file never carries code: a rule names one of these kinds and gives it parameters,
which `rules.pack_schema` declares (one model per kind) and `rules.pack_file` validates at
load. Each check gets the note being judged (`Context.target`), the patient's other signed
notes (`Context.history`) and the rule's parameters, and returns an `Outcome`. Nothing here
reads the database.

Windows are counted back from the note's date of service: "within 12 months" means after
the same calendar day 12 months earlier, so a session on that anniversary is outside.
Month-end anniversaries clamp to the last day of the month: 6 months before 31 October is
30 April, and 31 January to 28 February is one whole month. A line that names no side or
level is taken to be at any side or level.
"""

import calendar
import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .facts import Line, NoteFacts, levels_of

MET, FAILED, NOT_APPLICABLE, TO_DOCUMENT = "met", "failed", "not_applicable", "to_document"
MATCHES = ("region", "side", "site")
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: str
    short: str = ""
    evidence: tuple[int, ...] = ()
    elements: tuple[str, ...] = ()
    eligible_from: datetime.date | None = None


@dataclass(frozen=True)
class Context:
    target: NoteFacts
    history: tuple[NoteFacts, ...]
    rule_codes: frozenset[str]
    regions: Mapping = field(default_factory=dict)  # code -> region key
    region_labels: Mapping = field(default_factory=dict)

    def region(self, code: str) -> str | None:
        return self.regions.get(code)


# Kinds judged on the note's own answers: for a procedure still being planned they are
# what to document, not a reason it cannot be done.
DOCUMENTATION_KINDS = frozenset({"element_value", "covered_diagnosis"})
WINDOW_KINDS = frozenset({"sessions_in_window", "interval_since_last"})


# ----------------------------------------------------------------------------------------
# Helpers


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier); a day the month lacks becomes its last day
    (31 March + 1 month is 30 April; 31 January 2028 + 1 month is 29 February 2028)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole months from `earlier` to `later`: the most months whose anniversary, by
    `add_months` (a month-end anniversary is the last day of a shorter month), is on or
    before `later`. 31 January to 28 February 2026 is one month."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if add_months(earlier, months) > later else 0)


def window_start(day: datetime.date, params) -> datetime.date:
    """Notes dated after this day are inside the window that ends on `day`."""
    if params.get("months"):
        return add_months(day, -params["months"])
    return day - datetime.timedelta(days=params["days"])


def window_text(params) -> str:
    if params.get("months"):
        n = params["months"]
        return f"{n} month{'s' if n != 1 else ''}"
    n = params["days"]
    return f"{n} day{'s' if n != 1 else ''}"


def leaves_window(session: datetime.date, params) -> datetime.date:
    """The first date of service whose window no longer holds `session`."""
    if params.get("months"):
        day = add_months(session, params["months"])
    else:
        day = session + datetime.timedelta(days=params["days"])
    while not session <= window_start(day, params):
        day += datetime.timedelta(days=1)
    return day


def us_date(day: datetime.date) -> str:
    return f"{day:%m/%d/%Y}"


def number_text(value) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        return format(value, "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def plural(word: str, n: int = 2) -> str:
    """'vertebral body' -> 'vertebral bodies', 'level' -> 'levels' (n != 1)."""
    if n == 1:
        return word
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def count_word(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n))


def lines_match(a: Line, b: Line, match, ctx: Context) -> bool:
    if "region" in match and (
        ctx.region(a.code) is None or ctx.region(a.code) != ctx.region(b.code)
    ):
        return False
    if "side" in match and a.sides and b.sides and not a.sides & b.sides:
        return False
    return not ("site" in match and a.levels and b.levels and not a.levels & b.levels)


def condition_holds(facts: NoteFacts, condition) -> bool:
    """`condition` is one { element, in } / { place_of_service } table, or a list of them
    that must all hold."""
    if not condition:
        return True
    if isinstance(condition, list):
        return all(condition_holds(facts, part) for part in condition)
    if (
        "place_of_service" in condition
        and facts.place_of_service not in condition["place_of_service"]
    ):
        return False
    if "element" in condition:
        value = facts.value(condition["element"])
        values = value if isinstance(value, list) else [value]
        if not any(v in condition["in"] for v in values):
            return False
    return True


def condition_text(facts: NoteFacts, condition) -> str:
    if isinstance(condition, list):
        return " and ".join(condition_text(facts, part) for part in condition)
    parts = []
    if "element" in condition:
        key = condition["element"]
        values = " or ".join(facts.choice_label(key, v) for v in condition["in"])
        parts.append(f"{facts.label(condition['element']).lower()} is {values}")
    if "place_of_service" in condition:
        parts.append(f"place of service is {' or '.join(condition['place_of_service'])}")
    return " and ".join(parts)


def _targets(ctx: Context) -> tuple[Line, ...]:
    return ctx.target.lines_with(ctx.rule_codes)


def _where_place(line: Line) -> str:
    bits = [b for b in (line.site, line.side) if b]
    return " ".join(bits) if bits else line.code


def _place(line: Line, match, ctx: Context) -> str:
    """Where a count applies: 'L4-L5 left', '3rd left', 'the lumbar or sacral spine'."""
    bits = []
    if "site" in match and line.site:
        bits.append(line.site)
    if "side" in match and line.side:
        bits.append(line.side)
    if bits:
        return "at " + " ".join(bits)
    if "region" in match and ctx.region(line.code):
        return "in the " + ctx.region_labels.get(ctx.region(line.code), "region").lower()
    return "in all"


def _earlier(ctx: Context, *, same_day=False):
    for note in ctx.history:
        if note.id is not None and note.id == ctx.target.id:
            continue
        if note.date < ctx.target.date or (same_day and note.date == ctx.target.date):
            yield note


# ----------------------------------------------------------------------------------------
# The check kinds


def element_value(ctx: Context, params) -> Outcome:
    facts = ctx.target
    keys = params["element"]
    key = next((k for k in keys if facts.value(k) is not None or facts.na_reason(k)), keys[0])
    label = facts.label(key)
    value = facts.value(key)
    unit = f" {params['unit']}" if params.get("unit") else ""
    if value is None:
        reason = facts.na_reason(key)
        if reason and params.get("accept_not_applicable"):
            return Outcome(MET, f"{label}: not applicable ({reason}).", elements=(key,))
        return _otherwise(
            ctx, params, key, Outcome(FAILED, f"{label} is not documented.", elements=(key,))
        )
    problems = []
    if params.get("min") is not None or params.get("max") is not None:
        number = facts.number(key)
        if number is None:
            problems.append(f"{label} is not a number")
        else:
            if params.get("min") is not None and number < Decimal(str(params["min"])):
                problems.append(
                    f"{label} is {number_text(number)}{unit}; at least "
                    f"{number_text(params['min'])}{unit} is required"
                )
            if params.get("max") is not None and number > Decimal(str(params["max"])):
                problems.append(
                    f"{label} is {number_text(number)}{unit}; at most "
                    f"{number_text(params['max'])}{unit} is allowed"
                )
    values = value if isinstance(value, list) else [value]
    shown = ", ".join(facts.choice_label(key, v) for v in values)
    if params.get("in") and not any(v in params["in"] for v in values):
        accepted = " or ".join(facts.choice_label(key, v) for v in params["in"])
        problems.append(f"{label} is {shown}; the policy accepts {accepted}")
    if params.get("includes_all"):
        missing = [v for v in params["includes_all"] if v not in values]
        if missing:
            names = "; ".join(facts.choice_label(key, m) for m in missing)
            problems.append(f"{label} does not include: {names}")
    if problems:
        return _otherwise(
            ctx, params, key, Outcome(FAILED, "; ".join(problems) + ".", elements=(key,))
        )
    return Outcome(
        MET, f"{label}: {shown}{unit}.", short=f"{label.lower()} {shown}{unit}", elements=(key,)
    )


def _otherwise(ctx: Context, params, key: str, failed: Outcome) -> Outcome:
    """A criterion the policy waives when another answer is given ("medication, unless
    contraindicated"): met when the `otherwise` element is documented."""
    other = params.get("otherwise")
    if not other or ctx.target.value(other) is None:
        if other:
            return dataclasses.replace(
                failed,
                detail=f"{failed.detail} Or document {ctx.target.label(other).lower()}.",
                elements=(key, other),
            )
        return failed
    return Outcome(
        MET,
        f"{ctx.target.label(other)}: {ctx.target.value(other)}",
        short=ctx.target.label(other).lower(),
        elements=(key, other),
    )


def sessions_in_window(ctx: Context, params) -> Outcome:
    targets = ctx.target.lines_with(params["codes"]) or _targets(ctx)
    if not targets:
        return Outcome(NOT_APPLICABLE, "The note has none of the codes this rule counts.")
    where = params.get("where")
    if where and not condition_holds(ctx.target, where):
        return Outcome(
            NOT_APPLICABLE, f"Counts only notes where {condition_text(ctx.target, where)}."
        )
    start = window_start(ctx.target.date, params)
    match, limit, what = params.get("match", ()), params["max"], params["what"]
    worst = None
    counted_notes: set[int] = set()
    drafts: set[datetime.date] = set()
    signed: set[datetime.date] = set()
    for line in targets:
        sessions: dict[datetime.date, list[int]] = {ctx.target.date: []}
        for note in _earlier(ctx, same_day=True):
            if note.date <= start or (where and not condition_holds(note, where)):
                continue
            if any(lines_match(line, h, match, ctx) for h in note.lines_with(params["codes"])):
                sessions.setdefault(note.date, []).append(note.id)
                if not note.signed:
                    drafts.add(note.date)
                else:
                    signed.add(note.date)
        counted_notes.update(i for ids in sessions.values() for i in ids if i is not None)
        if worst is None or len(sessions) > len(worst[1]):
            worst = (line, sessions)
    line, sessions = worst
    count = len(sessions)
    place = _place(line, match, ctx)
    earlier = sorted(d for d in sessions if d != ctx.target.date)
    listed = (
        ", ".join(us_date(d) + (" (draft)" if d in drafts - signed else "") for d in earlier)
        or "none"
    )
    plural = "s" if count != 1 else ""
    summary = (
        f"{count} {what}{plural} {place} in the {window_text(params)} up to "
        f"{us_date(ctx.target.date)}, this one included (at most {limit}); earlier: {listed}."
    )
    short = f"{count} {what}{plural} in {window_text(params)}"
    evidence = tuple(sorted(counted_notes))
    if count <= limit:
        return Outcome(MET, summary, short=short, evidence=evidence)
    reason_key = params.get("unless_documented")
    if reason_key and ctx.target.value(reason_key) is not None:
        return Outcome(
            MET,
            f"{summary} The reason is documented ({ctx.target.label(reason_key)}).",
            short=short,
            evidence=evidence,
            elements=(reason_key,),
        )
    # The date the oldest sessions have left the window, enough of them to get back in.
    too_many = count - limit
    eligible = leaves_window(earlier[too_many - 1], params) if len(earlier) >= too_many else None
    detail = summary
    if reason_key:
        detail += f" Justify it in the note ({ctx.target.label(reason_key)})."
    return Outcome(
        FAILED,
        detail,
        short=short,
        evidence=evidence,
        elements=(reason_key,) if reason_key else (),
        eligible_from=eligible,
    )


def interval_since_last(ctx: Context, params) -> Outcome:
    targets = ctx.target.lines_with(params["codes"]) or _targets(ctx)
    if not targets:
        return Outcome(NOT_APPLICABLE, "The note has none of the codes this rule looks at.")
    match, what = params.get("match", ()), params["what"]
    last = None
    for note in _earlier(ctx):
        if last is not None and (note.date, note.id or 0) <= (last[0].date, last[0].id or 0):
            continue
        for line in targets:
            if any(lines_match(line, h, match, ctx) for h in note.lines_with(params["codes"])):
                last = (note, line)
                break
    if last is None:
        place = " at this side and level" if match else ""
        return Outcome(MET, f"No earlier {what}{place}.", short=f"no earlier {what}")
    note, line = last
    allowed = leaves_window(note.date, params)
    ago = months_between(note.date, ctx.target.date)
    ago_text = (
        f"{ago} month{'s' if ago != 1 else ''} ago"
        if ago
        else (f"{(ctx.target.date - note.date).days} days ago")
    )
    summary = (
        f"Last {what} at {_where_place(line)} on {us_date(note.date)}{_draft(note)} ({ago_text})"
    )
    short = f"last {what} {ago_text}"
    if ctx.target.date >= allowed:
        return Outcome(MET, summary + ".", short=short, evidence=(note.id,))
    return Outcome(
        FAILED,
        f"{summary}; at least {window_text(params)} must pass, so not before {us_date(allowed)}.",
        short=short,
        evidence=(note.id,),
        eligible_from=allowed,
    )


def _covers(note: NoteFacts, group: tuple[Line, ...], params, ctx: Context) -> bool:
    match = params.get("match", ())
    lines = note.lines_with(params["codes"])
    if "region" in match:
        region = ctx.region(group[0].code)
        lines = tuple(line for line in lines if ctx.region(line.code) == region)
    if not lines:
        return False
    if "side" in match:
        need = frozenset().union(*(line.sides for line in group))
        have = frozenset().union(*(line.sides for line in lines))
        if need and not need <= have:
            return False
    if "site" in match:
        need = frozenset().union(*(line.levels for line in group))
        have = frozenset().union(*(line.levels for line in lines))
        if need and not need <= have:
            return False
    return True


def _draft(note: NoteFacts) -> str:
    return "" if note.signed else " (draft)"


def _prerequisite_group(ctx: Context, params, group: tuple[Line, ...]) -> Outcome:
    count, what = params["count"], params["what"]
    element, low = params.get("element"), params.get("min")
    gap = params.get("min_days_apart", 0)
    where = params.get("where")
    place = ", ".join(dict.fromkeys(_where_place(line) for line in group))
    candidates = [n for n in _earlier(ctx) if not where or condition_holds(n, where)]
    prefix = ""
    repeat = params.get("repeat")
    if repeat:
        match = params.get("match", ())
        earlier = [
            n
            for n in _earlier(ctx)
            if any(
                lines_match(line, h, match, ctx)
                for line in group
                for h in n.lines_with(repeat["codes"])
            )
        ]
        if not earlier and params.get("only_repeats"):
            return Outcome(NOT_APPLICABLE, f"No earlier procedure at {place}: not a repeat.")
        if earlier:
            last = max(earlier, key=lambda n: (n.date, n.id or 0))
            months = repeat.get("waive_within_months")
            if not months or ctx.target.date <= add_months(last.date, months):
                within = f", within {months} months" if months else ""
                return Outcome(
                    MET,
                    f"Repeat procedure: the last one at {place} was on {us_date(last.date)}"
                    f"{_draft(last)}{within}, so the {what}s need not be repeated (the repeat "
                    "criteria apply instead).",
                    short=f"repeat of {us_date(last.date)}",
                    evidence=(last.id,),
                )
            candidates = [n for n in candidates if n.date > last.date]
            prefix = (
                f"The last procedure at {place} was on {us_date(last.date)}, more than "
                f"{months} months ago: only {what}s after it count. "
            )
    if params.get("within_months"):
        oldest = add_months(ctx.target.date, -params["within_months"])
        candidates = [n for n in candidates if n.date > oldest]
    covering = sorted(
        (n for n in candidates if _covers(n, group, params, ctx)),
        key=lambda n: (n.date, n.id or 0),
    )

    def value_of(note):
        return note.number(element) if element else None

    def qualifies(note):
        if not element:
            return True
        value = value_of(note)
        return value is not None and (low is None or value >= Decimal(str(low)))

    # Consecutive blocks: one that failed resets the count, so only the blocks after the
    # last failed one can make the chain.
    run: list[NoteFacts] = []
    reset = None
    for note in covering:
        if qualifies(note):
            run.append(note)
        else:
            if run:
                reset = note
            run = []
    chain: list[NoteFacts] = []
    for note in reversed(run):
        if not chain or (chain[-1].date - note.date).days >= gap:
            chain.append(note)
            if len(chain) == count:
                break
    chain.reverse()

    def shown(note):
        if not element:
            return us_date(note.date) + _draft(note)
        value = value_of(note)
        text = "relief not documented" if value is None else f"{number_text(value)} %"
        if value is not None and low is not None and value < Decimal(str(low)):
            text += f", below {number_text(low)} %"
        return f"{us_date(note.date)}{_draft(note)} ({text})"

    need = f"{count_word(count)} {what}{'s' if count > 1 else ''} at {place}"
    if low is not None:
        need += f", each with at least {number_text(low)} % relief"
    elif element:
        need += ", with the relief documented"
    if gap and count > 1:
        need += f", at least {gap} days apart"
    if len(chain) == count:
        days = (chain[-1].date - chain[0].date).days
        apart = f", {days} days apart" if count > 1 else ""
        values = " and ".join(
            f"{number_text(value_of(n))} %" for n in chain if value_of(n) is not None
        )
        return Outcome(
            MET,
            prefix + "; ".join(shown(n) for n in chain) + apart + ".",
            short=f"{count_word(count)} {what}{'s' if count > 1 else ''}"
            + (f" {values}" if values else ""),
            evidence=tuple(n.id for n in chain),
        )
    found = "; ".join(shown(n) for n in covering) or "none"
    if reset is not None:
        found += f". The {what} of {us_date(reset.date)} did not qualify and resets the count"
    return Outcome(
        FAILED,
        f"{prefix}Needs {need}. Found: {found}.",
        short=f"{len(chain)} of {count} {what}s",
        evidence=tuple(n.id for n in covering),
    )


def prerequisite_notes(ctx: Context, params) -> Outcome:
    targets = _targets(ctx)
    if not targets:
        return Outcome(NOT_APPLICABLE, "The note has none of the codes this rule applies to.")
    groups: dict[str | None, list[Line]] = {}
    for line in targets:
        key = ctx.region(line.code) if "region" in params.get("match", ()) else None
        groups.setdefault(key, []).append(line)
    outcomes = [_prerequisite_group(ctx, params, tuple(lines)) for lines in groups.values()]
    if all(o.status == NOT_APPLICABLE for o in outcomes):
        return outcomes[0]
    outcomes = [o for o in outcomes if o.status != NOT_APPLICABLE]
    failed = [o for o in outcomes if o.status == FAILED]
    chosen = failed or outcomes
    evidence = tuple(dict.fromkeys(i for o in outcomes for i in o.evidence if i is not None))
    return Outcome(
        FAILED if failed else MET,
        " ".join(o.detail for o in chosen),
        short="; ".join(o.short for o in chosen),
        evidence=evidence,
    )


def units_per_session(ctx: Context, params) -> Outcome:
    lines = ctx.target.lines_with(params["codes"])
    if not lines:
        return Outcome(NOT_APPLICABLE, "The note has none of the codes this rule counts.")
    limit = params["max"]
    # With match = ["region"], each spinal region of the session is counted on its own.
    groups: dict[str | None, list[Line]] = {}
    for line in lines:
        key = ctx.region(line.code) if "region" in params.get("match", ()) else None
        groups.setdefault(key, []).append(line)
    parts, worst = [], 0
    for region, members in groups.items():
        if params["count"] == "levels":
            named = frozenset().union(*(line.levels for line in members))
            unnamed = sum(line.units for line in members if not line.levels)
            count = len(named) + unnamed
            noun = params["what"] or "level"
            listed = f" ({', '.join(sorted(named))})" if named else ""
        else:
            count = sum(line.units for line in members)
            noun = params["what"] or "unit"
            listed = ""
        where = f" in the {ctx.region_labels.get(region, region).lower()}" if region else ""
        parts.append((count, f"{count} {noun}{'s' if count != 1 else ''}{where}{listed}"))
        worst = max(worst, count)
    detail = "; ".join(text for _, text in parts) + f" in this session; at most {limit}"
    detail += " per region." if len(parts) > 1 or groups.keys() - {None} else "."
    short = "; ".join(text.split(" (")[0] for _, text in parts)
    return Outcome(MET if worst <= limit else FAILED, detail, short=short)


def not_covered(ctx: Context, params) -> Outcome:
    if not _targets(ctx):
        return Outcome(NOT_APPLICABLE, "The note has none of the codes this rule applies to.")
    codes = ", ".join(sorted(ctx.target.codes & ctx.rule_codes))
    reason = params.get("reason") or "The policy does not cover this procedure."
    return Outcome(FAILED, f"{codes}: {reason}", short="not covered")


def levels_within(ctx: Context, params) -> Outcome:
    """Every level the lines name is one the policy covers (a line naming none fails)."""
    lines = ctx.target.lines_with(params["codes"])
    if not lines:
        return Outcome(NOT_APPLICABLE, "The note has none of the codes this rule applies to.")
    allowed = frozenset().union(*(levels_of(level) for level in params["levels"]))
    named = frozenset().union(*(line.levels for line in lines))
    allowed_text = ", ".join(params["levels"])
    if any(not line.levels for line in lines):
        return Outcome(
            FAILED,
            f"A line names no {params['what']}: record each one treated (covered: "
            f"{allowed_text}).",
        )
    outside = sorted(named - allowed)
    if outside:
        return Outcome(
            FAILED,
            f"{', '.join(outside)} is outside the covered {plural(params['what'])} "
            f"({allowed_text}).",
        )
    return Outcome(MET, f"{', '.join(sorted(named))}: within {allowed_text}.")


def line_modifier(ctx: Context, params) -> Outcome:
    """Every line of the codes carries the modifier (e.g. KX: the policy's requirements
    are met and documented)."""
    lines = ctx.target.lines_with(params["codes"])
    if not lines:
        return Outcome(NOT_APPLICABLE, "The note has none of the codes this rule applies to.")
    modifier = params["modifier"].upper()
    missing = [line.code for line in lines if modifier not in {m.upper() for m in line.modifiers}]
    why = f" ({params['what']})" if params.get("what") else ""
    if missing:
        return Outcome(FAILED, f"{', '.join(missing)} without modifier {modifier}{why}.")
    return Outcome(MET, f"Modifier {modifier} on {', '.join(line.code for line in lines)}.")


def lifetime_levels(ctx: Context, params) -> Outcome:
    """At most `max` distinct levels ever treated with the codes, this note included, and
    none treated twice."""
    lines = ctx.target.lines_with(params["codes"])
    if not lines:
        return Outcome(NOT_APPLICABLE, "The note has none of the codes this rule applies to.")
    now = frozenset().union(*(line.levels for line in lines))
    before: dict[str, NoteFacts] = {}
    for note in sorted(_earlier(ctx, same_day=True), key=lambda n: (n.date, n.id or 0)):
        for line in note.lines_with(params["codes"]):
            for level in line.levels:
                before.setdefault(level, note)
    what, limit = params["what"], params["max"]
    total = len(now | before.keys())
    summary = (
        f"{total} {plural(what, total)} treated in all, this session included (at most {limit})"
    )
    repeated = sorted(now & before.keys())
    evidence = tuple(dict.fromkeys(n.id for n in before.values() if n.id is not None))
    if repeated:
        done = "; ".join(
            f"{level} on {us_date(before[level].date)}{_draft(before[level])}"
            for level in repeated
        )
        return Outcome(
            FAILED, f"Already treated: {done}. {summary}.", short=summary, evidence=evidence
        )
    if total > limit:
        return Outcome(FAILED, summary + ".", short=summary, evidence=evidence)
    return Outcome(MET, summary + ".", short=summary, evidence=evidence)


def failed_in_a_row(ctx: Context, params) -> Outcome:
    """Stop after `max` failed treatments in a row. Each note records the response to the
    treatment before it, so this note's answer and those of the earlier notes, newest
    first, are counted until one did not fail."""
    if not _targets(ctx):
        return Outcome(NOT_APPLICABLE, "The note has none of the codes this rule applies to.")
    element, failed, limit, what = (
        params["element"],
        params["failed"],
        params["max"],
        params["what"],
    )
    earlier = sorted(
        (n for n in _earlier(ctx) if n.lines_with(params["codes"])),
        key=lambda n: (n.date, n.id or 0),
        reverse=True,
    )
    streak = []
    for note in (ctx.target, *earlier):
        if note.value(element) not in failed:
            break
        streak.append(note)
    dates = ", ".join(us_date(n.date) + _draft(n) for n in streak)
    plural = "s" if len(streak) != 1 else ""
    summary = f"{len(streak)} {what}{plural} in a row without a satisfactory response" + (
        f" (recorded {dates})" if streak else ""
    )
    if len(streak) < limit:
        return Outcome(MET, summary + f"; the policy stops after {limit}.", short=summary)
    return Outcome(
        FAILED,
        f"{summary}: after {limit} failed adequate {what}s the policy expects treatment to stop.",
        short=summary,
        evidence=tuple(n.id for n in streak if n.id is not None and n.id != ctx.target.id),
        elements=(element,),
    )


def icd10_matches(code: str, pattern: str) -> bool:
    """'M47.816' matches 'M47.816', 'M47.81x' (any code that starts M47.81), 'M47.8'
    (any code under it) and the range 'M47.811-M47.817' (codes of the range's length)."""
    code = code.upper()
    if "-" in pattern:
        low, high = pattern.upper().split("-", 1)
        return len(code) == len(low) and low <= code <= high
    # A lower-case x is a wildcard; an upper-case X is the code set's own placeholder.
    return code.startswith(pattern.rstrip("x").upper())


def covered_diagnosis(ctx: Context, params) -> Outcome:
    listed = ", ".join(params["icd10"])
    source = f" ({params['list_source']})" if params.get("list_source") else ""
    codes = ctx.target.diagnoses
    if not codes:
        uncoded = ctx.target.uncoded_diagnosis
        if uncoded:
            return Outcome(
                FAILED,
                f"The diagnosis is free text, not coded ({uncoded!r}): pick its ICD-10-CM "
                f"code. Covered{source}: {listed}.",
                elements=("diagnosis",),
            )
        return Outcome(
            FAILED,
            f"No ICD-10-CM diagnosis is recorded. Covered{source}: {listed}.",
            elements=("diagnosis",),
        )
    covered = [c for c in codes if any(icd10_matches(c, p) for p in params["icd10"])]
    if covered:
        return Outcome(
            MET,
            f"{', '.join(covered)} is on the policy's list{source}.",
            short=f"diagnosis {covered[0]}",
            elements=("diagnosis",),
        )
    return Outcome(
        FAILED,
        f"None of the note's diagnoses ({', '.join(codes)}) is on the policy's list{source}: "
        f"{listed}.",
        elements=("diagnosis",),
    )


KINDS = {
    "levels_within": levels_within,
    "line_modifier": line_modifier,
    "lifetime_levels": lifetime_levels,
    "failed_in_a_row": failed_in_a_row,
    "covered_diagnosis": covered_diagnosis,
    "element_value": element_value,
    "sessions_in_window": sessions_in_window,
    "interval_since_last": interval_since_last,
    "prerequisite_notes": prerequisite_notes,
    "units_per_session": units_per_session,
    "not_covered": not_covered,
}
