"""The catalog file's [billing] section, declared: what the claim scrubber (coding/) checks.

Pydantic models, so a bad value is refused with the field it is in; `procedures.catalog_file`
turns the error into "file: billing.codes.64635, field 'daily_units': ...". Cross-references
(codes, sources, modifiers named here must exist in the catalog) are checked by
`check_references` once the whole file is read. Format: docs/coding-checks.md.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Severity = Literal["error", "warning", "notice"]
ModifierKind = Literal[
    "side",
    "bilateral",
    "digit",
    "distinct",
    "reduced",
    "staged",
    "repeat",
    "payer",
    "liability",
    "drug_line",
    "em_line",
    "not_applicable",
    "not_a_modifier",
]
Code = str  # five characters; checked against the catalog's codes
NonEmpty = Field(min_length=1)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Modifier(Strict):
    kind: ModifierKind
    meaning: str = Field(min_length=1)
    fix: str = ""


class TechniqueAdvice(Strict):
    severity: Severity
    fix: str = Field(min_length=1)
    source: str


class CodeBilling(Strict):
    series: str = Field(min_length=1)
    region: str = Field(min_length=1)
    sites: Literal["one", "per_unit", "up_to_two", "any"]
    strict_sites: bool = False
    daily_units: int = Field(ge=1, le=99)
    daily_units_confirmed: bool = True
    daily_units_source: str
    daily_units_fix: str = Field(min_length=1)


class Pair(Strict):
    codes: tuple[Code, Code]
    kind: Literal["exclusive", "bundled"]
    confirmed: bool = True
    message: str = Field(min_length=1)
    fix: str = Field(min_length=1)
    source: str

    @model_validator(mode="after")
    def _two_codes(self):
        if self.codes[0] == self.codes[1]:
            raise ValueError("a pair needs two different codes")
        return self


class AddonPrimary(Strict):
    addon: Code
    primary: Code
    severity: Severity
    message: str = Field(min_length=1)
    fix: str = Field(min_length=1)
    source: str


class Cap(Strict):
    codes: list[Code] = Field(min_length=2)
    max: int = Field(ge=1, le=99)
    message: str = Field(min_length=1)
    fix: str = Field(min_length=1)
    source: str
    confirmed: bool = True


class Guidance(Strict):
    codes: list[Code] = Field(min_length=1)
    in_: list[str] = Field(default=[], alias="in")
    not_in: list[str] = []
    severity: Severity
    message: str = Field(min_length=1)
    fix: str = Field(min_length=1)
    source: str

    @model_validator(mode="after")
    def _one_list(self):
        if bool(self.in_) == bool(self.not_in):
            raise ValueError("give exactly one of 'in' and 'not_in'")
        return self


class Reduced(Strict):
    codes: list[Code] = Field(min_length=1)
    element: str
    count: list[str] = Field(min_length=1)
    min: int = Field(ge=1)
    message: str = Field(min_length=1)
    fix: str = Field(min_length=1)
    source: str


class Billing(Strict):
    site_codes: dict[str, list[str]] = {}  # derived when read; accepted when read again
    modifiers: dict[str, Modifier] = {}
    techniques: dict[str, TechniqueAdvice] = {}
    codes: dict[Code, CodeBilling] = {}
    pairs: list[Pair] = []
    addon_primaries: list[AddonPrimary] = []
    caps: list[Cap] = []
    guidance: list[Guidance] = []
    reduced: list[Reduced] = []

    def rules(self) -> dict:
        """The catalog-wide rules as plain data (stored on the catalog version and copied
        into each note's snapshot)."""
        data = self.model_dump(by_alias=True, exclude={"codes"})
        return data


def check_references(billing: Billing, *, codes: dict[str, dict], sources, elements, fail):
    """Names in [billing] must exist elsewhere in the file; `fail(what, field, message)`."""

    def code_ok(what, name, code):
        if code not in codes:
            fail(what, name, f"{code!r} is not a code of this catalog")

    def source_ok(what, source):
        if source not in sources:
            fail(what, "source", f"{source!r} is not defined under [sources]")

    for key, advice in billing.techniques.items():
        source_ok(f"billing.techniques.{key}", advice.source)
    for code, facts in billing.codes.items():
        what = f"billing.codes.{code}"
        code_ok(what, "code", code)
        if facts.daily_units_source not in sources:
            fail(what, "daily_units_source", f"{facts.daily_units_source!r} is not a source")
        if facts.strict_sites and not codes[code]["site_choices"]:
            fail(what, "strict_sites", "the code has no site_choices to check against")
    for code, parsed in codes.items():
        for modifier in parsed["modifiers"] if billing.modifiers else ():
            if modifier not in billing.modifiers:
                fail(f"code {code}", "modifiers", f"{modifier!r} is not under [billing.modifiers]")
            elif billing.modifiers[modifier].kind in ("drug_line", "em_line", "not_a_modifier"):
                fail(f"code {code}", "modifiers", f"{modifier!r} never goes on a procedure line")
            elif billing.modifiers[modifier].kind == "side" and parsed["laterality"] == "none":
                fail(f"code {code}", "modifiers", f"{modifier!r} needs a code with a side")
    for label, rows in (
        ("pairs", billing.pairs),
        ("caps", billing.caps),
        ("guidance", billing.guidance),
        ("reduced", billing.reduced),
    ):
        for index, row in enumerate(rows):
            what = f"billing.{label}[{index}]"
            for code in row.codes:
                code_ok(what, "codes", code)
            source_ok(what, row.source)
    for index, row in enumerate(billing.addon_primaries):
        what = f"billing.addon_primaries[{index}]"
        code_ok(what, "addon", row.addon)
        code_ok(what, "primary", row.primary)
        source_ok(what, row.source)
    for index, row in enumerate(billing.reduced):
        if row.element not in elements:
            fail(f"billing.reduced[{index}]", "element", f"{row.element!r} is not an element")
