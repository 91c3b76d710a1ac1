"""Units are stored as UCUM-friendly text (Cel, mL, {needles}); people read them as below."""

READABLE = {"Cel": "°C", "[iU]": "IU", "min": "min", "s": "s"}


def display_unit(unit: str) -> str:
    unit = (unit or "").strip()
    return READABLE.get(unit, unit.strip("{}"))
