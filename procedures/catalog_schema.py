"""The catalog file, declared (docs/catalog-format.md): one pydantic model per table.

Types, choices, patterns and ranges live here; what needs the whole file (an element a link
names, a condition's values, an add-on's primary) is checked in `procedures.catalog_file`.
"""

import re
from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from .billing_schema import Billing
from .data_file import CODE_PATTERN

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
SOURCE_KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
ElementKey = Annotated[str, StringConstraints(pattern=KEY_PATTERN.pattern)]
SourceKey = Annotated[str, StringConstraints(pattern=SOURCE_KEY_PATTERN.pattern)]
CodeValue = Annotated[str, StringConstraints(pattern=CODE_PATTERN.pattern)]


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    return value


Number = Annotated[StrictInt | StrictFloat, BeforeValidator(_number)]

Section = Literal["pre", "procedure", "post"]
InputType = Literal[
    "text",
    "long_text",
    "choice",
    "multi_choice",
    "yes_no",
    "number",
    "date",
    "datetime",
    "pain_score",
    "percent",
    "icd10",
]
CHOICE_INPUTS = ("choice", "multi_choice")
RANGED_INPUTS = ("number", "percent", "pain_score")
Technique = Literal[
    "chemical", "thermal_rf", "cooled_rf", "cryo", "chemodenervation", "nerve_block"
]


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("lists a value twice")
    return values


Family = Literal["neurolytic", "chemodenervation", "diagnostic_block"]
FAMILIES = get_args(Family)


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Header(Table):
    version: Text
    cpt_year: StrictInt = Field(ge=2000, le=2100)
    title: Text
    notice: OptionalText = ""


class Source(Table):
    title: Text
    url: OptionalText = ""
    kind: Literal[
        "cms", "cpt-guideline", "lcd", "article", "payer-policy", "literature", "practice"
    ]

    @field_validator("url")
    @classmethod
    def _web_address(cls, url):
        if url and not url.startswith(("https://", "http://")):
            raise ValueError("must start with https:// or http://")
        return url


class Element(Table):
    label: Text
    section: Section
    input: InputType
    help: Text
    choices: list[tuple[Text, Text]] | None = None
    unit: OptionalText = ""
    min: Number | None = None
    max: Number | None = None
    allow_na: StrictBool = False
    na_reasons: list[Text] = []

    _unique_reasons = field_validator("na_reasons")(_unique)

    @model_validator(mode="after")
    def _fits_its_input(self):
        kind = self.input
        if kind in CHOICE_INPUTS:
            if not self.choices:
                raise ValueError(f"choices: required for input '{kind}'")
            _unique([value for value, _ in self.choices])
        elif self.choices is not None:
            raise ValueError(f"choices: only applies to choice inputs, not '{kind}'")
        if kind == "number" and not self.unit:
            raise ValueError("unit: is required for input 'number'")
        if kind not in RANGED_INPUTS and (self.min is not None or self.max is not None):
            raise ValueError(f"min: a range only applies to numbers, not '{kind}'")
        if self.na_reasons and not self.allow_na:
            raise ValueError("na_reasons: is given but allow_na is not true")
        low, high = self.limits()
        if low is not None and high is not None and low > high:
            raise ValueError(f"min: {low} is above max {high}")
        return self

    def limits(self) -> tuple[Decimal | None, Decimal | None]:
        low = None if self.min is None else Decimal(str(self.min))
        high = None if self.max is None else Decimal(str(self.max))
        if self.input == "pain_score":
            return Decimal(0), Decimal(10)
        if self.input == "percent":
            return (Decimal(0) if low is None else low), (Decimal(100) if high is None else high)
        return low, high


class Condition(Table):
    element: ElementKey
    in_: list[Text] = Field(alias="in", min_length=1)


class Link(Table):
    key: ElementKey
    requirement: Literal["required", "recommended", "information"]
    when: Condition | None = None
    source: SourceKey | None = None
    why: OptionalText = ""
    # Tailoring (procedures/catalog_tailoring.py checks them against the element).
    choices: list | None = None
    payer_help: dict | None = None

    def tailoring(self) -> dict:
        """The tailoring keys the file gives, as written."""
        return {
            name: value
            for name, value in (("choices", self.choices), ("payer_help", self.payer_help))
            if value is not None
        }


class Code(Table):
    code: CodeValue
    title: Text
    summary: Text
    family: Family
    addon_of: list[CodeValue] = []
    unit_of_service: Text
    unit_kind: Literal[
        "session",
        "side",
        "nerve",
        "joint",
        "extremity",
        "interspace",
        "vertebral_body",
        "knee",
        "branch",
    ]
    max_units: StrictInt = Field(default=1, ge=1, le=99)
    global_days: Literal["000", "010", "090", "ZZZ"]
    bilateral_indicator: Literal[0, 1, 2, 3, 9]
    laterality: Literal["none", "side_required", "bilateral_allowed"]
    site_label: OptionalText = ""
    site_choices: list[Text] = []
    imaging: Literal["included", "separate", "in_code", "none"]
    imaging_codes: list[Text] = []
    techniques: list[Technique] = Field(min_length=1)
    modifiers: list[Text] = []
    places_of_service: list[Text] = []
    sources: list[SourceKey] = Field(min_length=1)
    caveats: OptionalText = ""
    active: StrictBool = True
    elements: list[Link] = Field(min_length=1)

    _unique_lists = field_validator(
        "addon_of",
        "site_choices",
        "imaging_codes",
        "techniques",
        "modifiers",
        "places_of_service",
        "sources",
    )(_unique)

    @model_validator(mode="after")
    def _coherent(self):
        if "50" in self.modifiers and self.bilateral_indicator != 1:
            raise ValueError("modifiers: modifier 50 applies only with bilateral indicator 1")
        if (self.global_days == "ZZZ") != bool(self.addon_of):
            raise ValueError("addon_of: an add-on (global ZZZ) must name its primary codes")
        return self


class CatalogFile(Table):
    catalog: Header
    sources: dict[SourceKey, Source] = {}
    elements: dict[ElementKey, Element] = Field(min_length=1)
    codes: list[Code] = Field(min_length=1)
    billing: Billing = Billing()
    # [families.<family>]: checked by procedures/catalog_tailoring.py, which needs the
    # elements and sources to do so.
    families: dict = {}
