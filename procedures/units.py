"""Units are stored as UCUM-friendly text (Cel, mL, {needles}); people read them as below."""

READABLE = {"Cel": "°C", "[iU]": "IU", "min": "min", "s": "s"}


def display_unit(unit: str) -> str:
    unit = (unit or "").strip()
    return READABLE.get(unit, unit.strip("{}"))


# A value reads as "18 months" rather than "18 mo".
SPELLED_OUT = {"mo": "months", "h": "hours"}


def value_unit(unit: str) -> str:
    """The unit printed after a value: none for an annotation ("{needles}", "{score}"),
    whose label already says what is counted ("Number of needles placed: 2")."""
    unit = (unit or "").strip()
    if unit.startswith("{"):
        return ""
    return SPELLED_OUT.get(unit, display_unit(unit))
