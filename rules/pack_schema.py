"""The payer rule-pack file, declared (docs/rules.md): one pydantic model per table, and one
per check kind with the parameters it takes.

Types, choices, patterns and ranges live here; what needs the whole file (a rule's source, a
match on regions the pack defines, an information-only pack's severities) is checked in
`rules.pack_file`. A rule names its check with `kind`, which picks the model: a pack never
carries code, only parameters for the functions of `rules.checks`.
"""

import datetime
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    Tag,
    model_validator,
)

from procedures.catalog_schema import Number
from procedures.data_file import CODE_PATTERN

from .checks import KINDS, MATCHES

SEVERITIES = ("blocks", "warning", "information")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
ELEMENT_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
REGION_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
POS_PATTERN = re.compile(r"^[0-9]{2}$")
STATE_PATTERN = re.compile(r"^[A-Z]{2}$")
ICD10_PATTERN = re.compile(
    r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Zx]{1,4})?(-[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?)?$"
)


def _matching(pattern: re.Pattern, message: str):
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} {message}")
        return value

    return AfterValidator(check)


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("lists a value twice")
    return values


def _date(value):
    # TOML dates arrive as datetime.date; a datetime (with a time) is a subclass: refuse it.
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValueError("must be a date such as 2021-04-25 (no quotes, no time)")
    return value.isoformat()


def _whole(low: int, high: int):
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"must be a whole number between {low} and {high}, not {value}")
        return value

    return Annotated[StrictInt, AfterValidator(check)]


def _one_or_more(value):
    return [value] if isinstance(value, str) else value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
Value = Annotated[str, StringConstraints(min_length=1)]
Values = Annotated[list[Value], Field(min_length=1)]
Date = Annotated[str, BeforeValidator(_date)]
Slug = Annotated[str, _matching(KEY_PATTERN, "is not a lower-case slug such as two-blocks")]
ElementKey = Annotated[str, _matching(ELEMENT_PATTERN, "is not an element key")]
# One element key, or a list of them (the first one recorded is judged).
ElementKeys = Annotated[
    Annotated[ElementKey, Tag("one")]
    | Annotated[Annotated[list[ElementKey], Field(min_length=1)], Tag("all")],
    Discriminator(lambda value: "all" if isinstance(value, list) else "one"),
    AfterValidator(_one_or_more),
]
Code = Annotated[str, _matching(CODE_PATTERN, "is not a five-character CPT/HCPCS code")]
Codes = Annotated[list[Code], Field(min_length=1), AfterValidator(_unique)]
Place = Annotated[str, _matching(POS_PATTERN, "is not a two-digit POS code")]
State = Annotated[str, _matching(STATE_PATTERN, "is not a two-letter state code")]
Icd10 = Annotated[
    str,
    _matching(
        ICD10_PATTERN, "is not an ICD-10-CM code, pattern (M47.81x) or range (M47.811-M47.817)"
    ),
]
Match = Annotated[list[Literal[MATCHES]], AfterValidator(_unique)]
Months = _whole(1, 240)
Days = _whole(1, 3650)


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def plain(self) -> dict:
        """As the loader stores it: only what the file gives or defaults, by the file's names."""
        return self.model_dump(by_alias=True, exclude_none=True)


class Condition(Table):
    """{ element = "key", in = ["value", ...] } and/or { place_of_service = ["22", ...] }."""

    element: ElementKey | None = None
    in_: Values | None = Field(default=None, alias="in")
    place_of_service: Annotated[list[Place], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _says_something(self):
        if self.element is None and self.in_ is None and self.place_of_service is None:
            raise ValueError('element: must be { element = "key", in = ["value", ...] }')
        if self.element is not None and self.in_ is None:
            raise ValueError("in: must be a non-empty list of values")
        if self.in_ is not None and self.element is None:
            raise ValueError("element: is missing: `in` lists values of an element")
        return self


# One condition, or a list of them that must all hold.
Conditions = Annotated[
    Annotated[Condition, Tag("one")]
    | Annotated[Annotated[list[Condition], Field(min_length=1)], Tag("all")],
    Discriminator(lambda value: "all" if isinstance(value, list) else "one"),
]


class Repeat(Table):
    codes: Codes
    # None: any earlier procedure at the place waives the prerequisite.
    waive_within_months: Months | None = None


# ----------------------------------------------------------------------------------------
# One model per check kind (rules/checks.py has the function, docs/rules.md the meaning).


def _one_window(check):
    """sessions_in_window and interval_since_last count in months or in days, not both."""
    if (check.months is None) == (check.days is None):
        raise ValueError(f"months: {check.kind} needs exactly one of months or days")
    return check


class ElementValue(Table):
    kind: Literal["element_value"]
    element: ElementKeys
    min: Number | None = None
    max: Number | None = None
    in_: Values | None = Field(default=None, alias="in")
    includes_all: Values | None = None
    accept_not_applicable: StrictBool = False
    otherwise: ElementKey | None = None
    unit: OptionalText = ""

    @model_validator(mode="after")
    def _range(self):
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min: {self.min} is above max {self.max}")
        return self


class SessionsInWindow(Table):
    kind: Literal["sessions_in_window"]
    codes: Codes
    months: Months | None = None
    days: Days | None = None
    max: _whole(1, 100)
    match: Match = []
    where: Conditions | None = None
    unless_documented: ElementKey | None = None
    what: OptionalText = "session"

    _window = model_validator(mode="after")(_one_window)


class IntervalSinceLast(Table):
    kind: Literal["interval_since_last"]
    codes: Codes
    months: Months | None = None
    days: Days | None = None
    match: Match = []
    what: OptionalText = "session"

    _window = model_validator(mode="after")(_one_window)


class PrerequisiteNotes(Table):
    kind: Literal["prerequisite_notes"]
    codes: Codes
    count: _whole(1, 10) = 1
    element: ElementKey | None = None
    min: Number | None = None
    min_days_apart: _whole(0, 3650) = 0
    within_months: Months | None = None
    match: Match = []
    where: Conditions | None = None
    repeat: Repeat | None = None
    only_repeats: StrictBool = False
    what: OptionalText = "block"

    @model_validator(mode="after")
    def _coherent(self):
        if self.only_repeats and self.repeat is None:
            raise ValueError("only_repeats: needs check.repeat: what makes it a repeat")
        if self.min is not None and self.element is None:
            raise ValueError("min: needs check.element: the value it applies to")
        return self


class UnitsPerSession(Table):
    kind: Literal["units_per_session"]
    codes: Codes
    max: _whole(1, 99)
    count: Literal["units", "levels"] = "units"
    match: Match = []
    what: OptionalText = ""


class NotCovered(Table):
    kind: Literal["not_covered"]
    reason: OptionalText = ""


class FailedInARow(Table):
    kind: Literal["failed_in_a_row"]
    codes: Codes
    element: ElementKey
    failed: Values
    max: _whole(1, 10)
    what: OptionalText = "treatment"


class LevelsWithin(Table):
    kind: Literal["levels_within"]
    codes: Codes
    levels: Values
    what: OptionalText = "level"


class LineModifier(Table):
    kind: Literal["line_modifier"]
    codes: Codes
    modifier: OptionalText
    what: OptionalText = ""


class LifetimeLevels(Table):
    kind: Literal["lifetime_levels"]
    codes: Codes
    max: _whole(1, 50)
    what: OptionalText = "level"


class CoveredDiagnosis(Table):
    kind: Literal["covered_diagnosis"]
    icd10: Annotated[list[Icd10], Field(min_length=1)]
    list_source: OptionalText = ""


CHECK_MODELS = (
    ElementValue,
    SessionsInWindow,
    IntervalSinceLast,
    PrerequisiteNotes,
    UnitsPerSession,
    NotCovered,
    FailedInARow,
    LevelsWithin,
    LineModifier,
    LifetimeLevels,
    CoveredDiagnosis,
)
# {kind: model}: every kind rules.checks can run, and nothing else.
CHECK_KINDS = {model.model_fields["kind"].annotation.__args__[0]: model for model in CHECK_MODELS}
assert set(CHECK_KINDS) == set(KINDS)

Check = Annotated[
    ElementValue
    | SessionsInWindow
    | IntervalSinceLast
    | PrerequisiteNotes
    | UnitsPerSession
    | NotCovered
    | FailedInARow
    | LevelsWithin
    | LineModifier
    | LifetimeLevels
    | CoveredDiagnosis,
    Field(discriminator="kind"),
]


# ----------------------------------------------------------------------------------------
# The file's tables


class Header(Table):
    key: Annotated[
        str, _matching(KEY_PATTERN, "is not a lower-case slug such as medicare-facet-rf")
    ]
    version: Text
    title: Text
    policy: Text
    summary: OptionalText = ""
    payer_kinds: list[
        Literal[
            "medicare", "medicare_advantage", "medicaid", "commercial", "workers_comp", "other"
        ]
    ] = []
    effective_from: Date = ""
    effective_to: Date = ""
    information_only: StrictBool = False
    # A contractor's LCD applies only where that contractor pays (issue 15).
    contractor: OptionalText = ""
    jurisdiction: OptionalText = ""
    states: list[State] = []

    @model_validator(mode="after")
    def _dates_in_order(self):
        _in_order(self)
        return self


def _in_order(table):
    if table.effective_from and table.effective_to and table.effective_to < table.effective_from:
        raise ValueError("effective_to: is before effective_from")


class Source(Table):
    policy: Text
    title: Text
    url: Text
    effective_from: Date = ""
    effective_to: Date = ""

    @model_validator(mode="after")
    def _coherent(self):
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("url: must start with https:// or http://")
        _in_order(self)
        return self


class Region(Table):
    label: Text
    codes: Codes


class Rule(Table):
    id: Slug
    title: Text
    codes: Codes
    statement: Text
    severity: Literal[SEVERITIES]
    source: str
    when: Condition | None = None  # one condition (the engine reads its place of service)
    check: Check


SourceKey = Annotated[str, _matching(KEY_PATTERN, "is not a lower-case slug")]
RegionKey = Annotated[str, _matching(REGION_PATTERN, "is not a region name")]


class PackFile(Table):
    pack: Header
    sources: dict[SourceKey, Source] = {}
    regions: dict[RegionKey, Region] = {}
    rules: list[Rule] = []
