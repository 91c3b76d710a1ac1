"""An audit event's detail in words: "Diagnosis: “M47.816” → “M47.817”", not a Python dict.

Pure: the stored detail and the labels of the elements it names in, (name, text) pairs out.
The trail itself keeps the JSON as written (its HMAC chain covers it); only the page reads
it this way.
"""

NAMES = {
    "sha256": "SHA-256",
    "codes": "Codes",
    "copied_from_note": "Copied from note",
    "favourite": "From favourite",
    "prefilled": "Copied or prefilled",
    "confirmed": "Copies confirmed",
    "date_of_service": "Date of service",
    "place_of_service": "Place of service",
    "lines": "Code lines",
}
LONG = 60


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= LONG else text[: LONG - 1] + "…"


def _plain(value) -> str:
    """A structured value in words: {"code": "C56.9", "description": "..."} -> "C56.9 ..."."""
    if isinstance(value, dict):
        return " ".join(_plain(v) for v in value.values() if v not in (None, ""))
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def answer_text(answer) -> str:
    """An answer dict as a reader says it: its value, or “not applicable: reason”, or —."""
    if not answer:
        return "—"
    if "value" in answer:
        return f"“{_short(_plain(answer['value']))}”"
    if answer.get("na_reason"):
        return f"not applicable: “{_short(answer['na_reason'])}”"
    return "—"


def line_text(line: dict) -> str:
    parts = [line.get("code", "")]
    if line.get("modifiers"):
        parts.append("-".join(line["modifiers"]))
    if line.get("side"):
        parts.append(line["side"])
    if line.get("site"):
        parts.append(_short(line["site"]))
    return " ".join(parts)


def _value(value, labels) -> str:
    if isinstance(value, list):
        return ", ".join(labels.get(v, str(v)) if isinstance(v, str) else str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')} {_value(v, labels)}" for k, v in value.items())
    return _short(value)


def describe(detail: dict, labels: dict[str, str]) -> list[tuple[str, str]]:
    """[(what, how)] for one event's detail; `labels`: element key -> label."""
    described = []
    for key, value in (detail or {}).items():
        name = NAMES.get(key, key.replace("_", " ").capitalize())
        if key == "answers" and isinstance(value, dict):
            for element, change in value.items():
                old, new = change if isinstance(change, list) and len(change) == 2 else ({}, {})
                name = labels.get(element) or element.replace("_", " ").capitalize()
                described.append((name, f"{answer_text(old)} → {answer_text(new)}"))
        elif key == "lines" and isinstance(value, list) and len(value) == 2:
            old, new = value
            described.append(
                (
                    name,
                    f"{', '.join(map(line_text, old)) or '—'} → "
                    f"{', '.join(map(line_text, new)) or '—'}",
                )
            )
        elif key in ("date_of_service", "place_of_service") and len(value) == 2:
            described.append((name, f"{_value(value[0], labels)} → {_value(value[1], labels)}"))
        else:
            described.append((name, _value(value, labels)))
    return described
