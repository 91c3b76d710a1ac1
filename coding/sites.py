"""Reading the site a code line names: spinal levels, web spaces, nerves, and their side.

Clinicians type "L4-5, L5-S1" or "3rd"; the catalog lists "L4-L5", "L5-S1", "3rd web space".
These functions bring both to one form so the scrubber can compare them.
"""

import re

LEVEL = re.compile(r"^([CTLS])\s*(\d{1,2})(?:\s*[-/–]\s*([CTLS])?\s*(\d{1,2}))?$")
SEPARATORS = re.compile(r"\s*(?:[,;&+]|\band\b)\s*", re.IGNORECASE)
SIDE_WORDS = {
    "left": re.compile(r"\bleft\b", re.IGNORECASE),
    "right": re.compile(r"\bright\b", re.IGNORECASE),
}
REGION_OF_LETTER = {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral"}


def parts(site: str) -> list[str]:
    """The sites named on a line, in order ("L4-L5 and L5-S1" -> ["L4-L5", "L5-S1"])."""
    return [part.strip() for part in SEPARATORS.split(site or "") if part.strip()]


def level(text: str) -> str | None:
    """A spinal level or vertebral body in the catalog's spelling ("l4-5" -> "L4-L5")."""
    match = LEVEL.match(text.strip().upper())
    if not match:
        return None
    letter, number, second_letter, second_number = match.groups()
    if second_number is None:
        return f"{letter}{int(number)}"
    return f"{letter}{int(number)}-{second_letter or letter}{int(second_number)}"


def key(text: str) -> str:
    """What two spellings of one site have in common."""
    spinal = level(text)
    if spinal:
        return spinal
    return _letters(text)


def match(text: str, choices: list[str]) -> str | None:
    """The catalog site `text` names, if any ("3rd" -> "3rd web space")."""
    wanted = key(text)
    if not wanted:
        return None
    for choice in choices:
        if key(choice) == wanted:
            return choice
    plain = _letters(text)
    starting = [c for c in choices if _letters(c).startswith(plain)]
    return starting[0] if len(starting) == 1 else None


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def region_of_level(spinal: str) -> str:
    letters = [part[0] for part in spinal.split("-")]
    names = list(dict.fromkeys(REGION_OF_LETTER[letter] for letter in letters))
    return "-".join(names)


def sides_named(site: str) -> set[str]:
    """The sides a site's wording names ("Right knee" -> {"right"})."""
    return {side for side, pattern in SIDE_WORDS.items() if pattern.search(site or "")}
