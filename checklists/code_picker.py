"""What the code picker searches: each active code with its words and body region.

The picker on the new-note form and the line editor filters this list as the clinician
types ("lumbar rf", "knee", "6463"); the regions are the words clinicians search by,
which the CPT-style titles do not always contain ("low back" for lumbar facets).
"""

from procedures.models import ProcedureCode

# Body regions by code, in the words a clinician types. Codes not listed fall back to
# their title and summary, which the search reads too.
BODY_REGIONS = {
    "64600": "face, head (trigeminal)",
    "64605": "face, head (trigeminal, foramen ovale)",
    "64610": "face, head (trigeminal, foramen ovale)",
    "64620": "chest, thorax (intercostal)",
    "64624": "knee (genicular)",
    "64625": "pelvis, sacroiliac joint, low back",
    "64628": "lumbar, sacral spine (vertebral body)",
    "64629": "lumbar, sacral spine (vertebral body)",
    "64630": "pelvis, perineum (pudendal)",
    "64632": "foot (Morton's neuroma, interdigital)",
    "64633": "neck, cervical, thoracic spine (facet)",
    "64634": "neck, cervical, thoracic spine (facet)",
    "64635": "low back, lumbar, sacral spine (facet)",
    "64636": "low back, lumbar, sacral spine (facet)",
    "64640": "limb, peripheral nerve",
    "64680": "abdomen (celiac plexus)",
    "64681": "pelvis (superior hypogastric plexus)",
    "64642": "arm, leg, limb (botulinum toxin)",
    "64643": "arm, leg, limb (botulinum toxin)",
    "64644": "arm, leg, limb (botulinum toxin)",
    "64645": "arm, leg, limb (botulinum toxin)",
    "64646": "trunk, back (botulinum toxin)",
    "64647": "trunk, back (botulinum toxin)",
    "64490": "neck, cervical, thoracic spine (medial branch block)",
    "64491": "neck, cervical, thoracic spine (medial branch block)",
    "64492": "neck, cervical, thoracic spine (medial branch block)",
    "64493": "low back, lumbar, sacral spine (medial branch block)",
    "64494": "low back, lumbar, sacral spine (medial branch block)",
    "64495": "low back, lumbar, sacral spine (medial branch block)",
    "27096": "pelvis, sacroiliac joint",
    "64454": "knee (genicular block)",
    "64517": "pelvis (superior hypogastric plexus block)",
    "64530": "abdomen (celiac plexus block)",
}
# Words clinicians use for techniques, so "rf" or "botox" finds the codes.
TECHNIQUE_WORDS = {
    "chemical": "chemical phenol alcohol",
    "thermal_rf": "rf radiofrequency ablation",
    "cooled_rf": "cooled rf radiofrequency",
    "cryo": "cryo",
    "chemodenervation": "botox botulinum toxin",
    "nerve_block": "block diagnostic",
}


def active_codes() -> list[ProcedureCode]:
    """The active codes in code order: one query for the picker and the line choices, of
    the columns these read (the billing and source columns are JSON decoded for nothing)."""
    return list(ProcedureCode.objects.active().order_by("code").only(*PICKER_FIELDS))


# What picker_entries and the line choices (checklists.forms.CodeLineFormSet) read.
PICKER_FIELDS = ("code", "title", "summary", "techniques", "modifiers", "site_label", "laterality")


def picker_entries(codes=None) -> list[dict]:
    """One entry per active code (`codes`, else read here), for the page's data island."""
    entries = []
    for code in active_codes() if codes is None else codes:
        region = BODY_REGIONS.get(code.code, "")
        words = " ".join(TECHNIQUE_WORDS.get(t, "") for t in code.techniques)
        entries.append(
            {
                "code": code.code,
                "title": code.title,
                "region": region,
                "techniques": list(code.techniques),
                "needs_side": code.needs_side,
                "modifiers": list(code.modifiers),
                "site_label": code.site_label,
                "search": " ".join([code.code, code.title, code.summary, region, words]).lower(),
            }
        )
    return entries


def search(entries: list[dict], query: str) -> list[dict]:
    """Entries whose search text holds every word of the query (the script does the same)."""
    words = query.lower().split()
    return [e for e in entries if all(w in e["search"] for w in words)]
