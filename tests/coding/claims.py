"""Claims for the scrubber's scenario table, built from the shipped catalog file.

The codes and rules are read with the catalog parser (no database, no scrubber code), in
the shape a note's snapshot freezes them.
"""

import datetime
from functools import cache

from django.conf import settings

from coding.claim import Claim, Line
from procedures.catalog_file import parse_catalog

DAY = datetime.date(2025, 6, 30)


@cache
def shipped():
    data = parse_catalog(settings.CATALOG_FILE)
    codes = {c["code"]: c for c in data.codes}
    return codes, data.claim_rules, data.cpt_year


def ln(code, units=1, side="", mods="", site="", tech="", note=None):
    """One code line; `note` puts it on another note of the same day."""
    return {
        "code": code,
        "units": units,
        "side": {"L": "left", "R": "right", "B": "bilateral"}.get(side, side),
        "modifiers": mods.split() if mods else [],
        "site": site,
        "technique": tech,
        "note": note,
    }


def claim(lines, answers=None, day=DAY):
    codes, rules, cpt_year = shipped()
    own = [line for line in lines if line["note"] is None]
    others = [line for line in lines if line["note"] is not None]
    built = [
        Line(
            code=line["code"],
            units=line["units"],
            modifiers=tuple(line["modifiers"]),
            side=line["side"],
            site=line["site"],
            technique=line["technique"],
            index=index if line["note"] is None else None,
            note_id=line["note"],
        )
        for index, line in [*enumerate(own), *((None, other) for other in others)]
    ]
    return Claim(
        lines=tuple(built),
        codes=codes,
        rules=rules,
        answers={key: {"value": value} for key, value in (answers or {}).items()},
        date_of_service=day,
        cpt_year=cpt_year,
    )
