"""The claim scrubber against the claims a biller sees: each scenario's whole verdict.

Every code of the catalog has at least one clean claim and one refused claim here; the
issue's examples (issue 14) are all among them. Each row cites where its rule comes from
(source keys of procedures/catalog/neurolysis.toml). Expected problems are written as
"severity:rule@line:field" (line is the 0-based line of the note, "-" for the claim).
"""

import datetime
import json
from pathlib import Path

import pytest

from coding.scrub import scrub

from .claims import claim, ln

RF = {"technique": "thermal_rf", "imaging_modality": "fluoroscopy"}
CHEM = {"technique": "chemical"}
TOX = {"technique": "chemodenervation"}
BLOCK = {"technique": "nerve_block", "imaging_modality": "fluoroscopy"}

SCENARIOS = [
    # --- facet RF, lumbar (64635/64636) ---------------------------------------------------
    (
        "64635 one level right",
        [ln("64635", 1, "R", "RT", "L4-L5")],
        RF,
        [],
        "facet-code-structure",
    ),
    (
        "64635 one level both sides with 50",
        [ln("64635", 1, "B", "50", "L4-L5")],
        RF,
        [],
        "facet-code-structure",
    ),
    (
        "64635 + 64636 two levels bilateral",
        [ln("64635", 1, "B", "50", "L4-L5"), ln("64636", 1, "B", "50", "L5-S1")],
        RF,
        [],
        "facet-code-structure",
    ),
    (
        "64635 + 64636 x2 three levels left",
        [ln("64635", 1, "L", "LT", "L3-L4"), ln("64636", 2, "L", "LT", "L4-L5, L5-S1")],
        RF,
        [],
        "facet-code-structure",
    ),
    (
        "64635-50 twice",
        [ln("64635", 1, "B", "50", "L4-L5"), ln("64635", 1, "B", "50", "L5-S1")],
        RF,
        ["error:daily-units@0:units"],
        "facet-code-structure",
    ),
    (
        "64635 LT and RT lines, same level",
        [ln("64635", 1, "L", "LT", "L4-L5"), ln("64635", 1, "R", "RT", "L4-L5")],
        RF,
        ["error:daily-units@0:units"],
        "facet-code-structure",
    ),
    (
        "64635 LT and RT lines, different levels",
        [ln("64635", 1, "L", "LT", "L4-L5"), ln("64635", 1, "R", "RT", "L5-S1")],
        RF,
        ["error:daily-units@0:units"],
        "facet-code-structure",
    ),
    (
        "64635 one level billed on both 64635 and 64636",
        [ln("64635", 1, "R", "RT", "L4-L5"), ln("64636", 1, "R", "RT", "L4-L5")],
        RF,
        ["error:site-twice@1:site"],
        "facet-code-structure",
    ),
    (
        "64635 left, 64636 right, same level",
        [ln("64635", 1, "L", "LT", "L4-L5"), ln("64636", 1, "R", "RT", "L4-L5")],
        RF,
        ["error:addon-same-level@1:site"],
        "facet-code-structure",
    ),
    (
        "64635 names two levels",
        [ln("64635", 1, "R", "RT", "L4-L5, L5-S1")],
        RF,
        ["error:site-count@0:site"],
        "facet-code-structure",
    ),
    (
        "64636 without 64635",
        [ln("64636", 1, "R", "RT", "L5-S1")],
        RF,
        ["error:addon@0:code"],
        "cms-pfs-2025",
    ),
    (
        "64636 units not the levels named",
        [ln("64635", 1, "R", "RT", "L3-L4"), ln("64636", 2, "R", "RT", "L4-L5")],
        RF,
        ["error:site-count@1:units"],
        "facet-code-structure",
    ),
    (
        "64635 at a cervical level",
        [ln("64635", 1, "R", "RT", "C5-C6")],
        RF,
        ["error:site-region@0:site"],
        "facet-code-structure",
    ),
    (
        "64635 ultrasound guided",
        [ln("64635", 1, "R", "RT", "L4-L5")],
        {"technique": "thermal_rf", "imaging_modality": "ultrasound"},
        ["error:guidance@0:imaging_modality"],
        "aapm-cpt-2020-nerve-injections",
    ),
    (
        "64635 chemical",
        [ln("64635", 1, "R", "RT", "L4-L5")],
        {"technique": "chemical", "imaging_modality": "fluoroscopy"},
        ["error:technique@0:technique"],
        "facet-code-structure",
    ),
    (
        "64635 pulsed RF",
        [ln("64635", 1, "R", "RT", "L4-L5")],
        {"technique": "pulsed_rf", "imaging_modality": "fluoroscopy"},
        ["error:technique@0:technique"],
        "neurolytic-agent-definition",
    ),
    (
        "64635-50 on a one-sided line",
        [ln("64635", 1, "R", "50", "L4-L5")],
        RF,
        ["error:side-modifiers@0:modifiers"],
        "cms-pfs-2025",
    ),
    (
        "64635 bilateral without 50",
        [ln("64635", 1, "B", "", "L4-L5")],
        RF,
        ["error:side-modifiers@0:modifiers"],
        "cms-pfs-2025",
    ),
    (
        "64635 50 with LT",
        [ln("64635", 1, "B", "50 LT", "L4-L5")],
        RF,
        ["error:side-modifiers@0:modifiers"],
        "cms-pfs-2025",
    ),
    (
        "64635 right line, LT modifier",
        [ln("64635", 1, "R", "LT", "L4-L5")],
        RF,
        ["error:side-modifiers@0:modifiers"],
        "cms-pfs-2025",
    ),
    (
        "64635 with 64493 same day, no modifier",
        [ln("64635", 1, "R", "RT", "L4-L5"), ln("64493", 1, "R", "RT", "L2-L3")],
        RF,
        ["warning:pair-bundled@1:modifiers"],
        "ncci-mue-overview",
    ),
    (
        "64635 with 64493-XS at another level",
        [ln("64635", 1, "R", "RT", "L4-L5"), ln("64493", 1, "R", "RT XS", "L2-L3")],
        RF,
        [],
        "ncci-mue-overview",
    ),
    (
        "64635 and 64636 on another note of the day",
        [ln("64635", 1, "R", "RT", "L4-L5"), ln("64635", 1, "L", "LT", "L3-L4", note=7)],
        RF,
        ["error:daily-units@0:units"],
        "ngs-mue-dos",
    ),
    (
        "64635 XE for a separate encounter",
        [ln("64635", 1, "R", "RT XE", "L4-L5")],
        RF,
        [],
        "ncci-mue-overview",
    ),
    (
        "64635 with 59 and XS",
        [ln("64635", 1, "R", "RT 59 XS", "L4-L5")],
        RF,
        ["warning:modifier@0:modifiers"],
        "ncci-mue-overview",
    ),
    (
        "64635 with GA after an ABN",
        [ln("64635", 1, "R", "RT GA", "L4-L5")],
        RF,
        [],
        "cms-pfs-2025",
    ),
    (
        "64635 with GA and GZ",
        [ln("64635", 1, "R", "RT GA GZ", "L4-L5")],
        RF,
        ["error:modifier@0:modifiers"],
        "cms-pfs-2025",
    ),
    (
        "64635 with modifier 11",
        [ln("64635", 1, "R", "RT 11", "L4-L5")],
        RF,
        ["error:modifier@0:modifiers"],
        "cms-pfs-2025",
    ),
    (
        "64635 with modifier 26",
        [ln("64635", 1, "R", "RT 26", "L4-L5")],
        RF,
        ["error:modifier@0:modifiers"],
        "cms-pfs-2025",
    ),
    (
        "64635 with KX (not expected)",
        [ln("64635", 1, "R", "RT KX", "L4-L5")],
        RF,
        ["warning:modifier@0:modifiers"],
        "cms-pfs-2025",
    ),
    (
        "64635 with an unknown modifier Q9",
        [ln("64635", 1, "R", "RT Q9", "L4-L5")],
        RF,
        ["warning:modifier@0:modifiers"],
        "cms-pfs-2025",
    ),
    ("64635 with 52 reduced", [ln("64635", 1, "R", "RT 52", "L4-L5")], RF, [], "cms-pfs-2025"),
    (
        "64635 right side, site says left",
        [ln("64635", 1, "R", "RT", "Left L4-L5")],
        RF,
        ["warning:site-region@0:site", "error:site-side@0:site"],
        "facet-code-structure",
    ),
    # --- facet RF, cervical/thoracic (64633/64634) ---------------------------------------
    ("64633 C5-C6 left", [ln("64633", 1, "L", "LT", "C5-C6")], RF, [], "facet-code-structure"),
    (
        "64633 + 64634 C and T levels",
        [ln("64633", 1, "B", "50", "C5-C6"), ln("64634", 1, "B", "50", "C6-C7")],
        RF,
        [],
        "facet-code-structure",
    ),
    (
        "64633 + 64634 at lumbar levels",
        [ln("64633", 1, "R", "RT", "L4-L5"), ln("64634", 1, "R", "RT", "L5-S1")],
        RF,
        ["error:site-region@0:site", "error:site-region@1:site"],
        "facet-code-structure",
    ),
    (
        "64634 without 64633",
        [ln("64634", 1, "R", "RT", "C6-C7")],
        RF,
        ["error:addon@0:code"],
        "cms-pfs-2025",
    ),
    (
        "64633 under CT is fine",
        [ln("64633", 1, "R", "RT", "T4-T5")],
        {"technique": "cooled_rf", "imaging_modality": "ct"},
        [],
        "facet-code-structure",
    ),
    (
        "64633 with no imaging",
        [ln("64633", 1, "R", "RT", "C4-C5")],
        {"technique": "thermal_rf", "imaging_modality": "none"},
        ["error:guidance@0:imaging_modality"],
        "aapm-cpt-2020-nerve-injections",
    ),
    (
        "64633 and 64635 the same day (two regions)",
        [ln("64633", 1, "R", "RT", "C5-C6"), ln("64635", 1, "R", "RT", "L4-L5")],
        RF,
        [],
        "facet-code-structure",
    ),
    # --- SI (64625), genicular (64624), basivertebral (64628/64629) ----------------------
    (
        "64625 right SI joint",
        [ln("64625", 1, "R", "RT", "Right sacroiliac joint")],
        RF,
        [],
        "cms-pfs-2025",
    ),
    (
        "64625 ultrasound",
        [ln("64625", 1, "R", "RT", "Right sacroiliac joint")],
        {"technique": "thermal_rf", "imaging_modality": "ultrasound"},
        ["error:guidance@0:imaging_modality"],
        "aapm-cpt-2020-nerve-injections",
    ),
    (
        "64625 chemical",
        [ln("64625", 1, "L", "LT", "Left sacroiliac joint")],
        {"technique": "chemical", "imaging_modality": "fluoroscopy"},
        ["error:technique@0:technique"],
        "cms-pfs-2025",
    ),
    (
        "64625 with 27096 same day",
        [ln("64625", 1, "R", "RT", "Right sacroiliac joint"), ln("27096", 1, "R", "RT")],
        RF,
        ["warning:pair-bundled@1:modifiers"],
        "ncci-mue-overview",
    ),
    (
        "64624 right knee, three nerves",
        [ln("64624", 1, "R", "RT", "Right knee")],
        RF | {"genicular_nerves_treated": ["superomedial", "superolateral", "inferomedial"]},
        [],
        "aapm-cpt-2020-nerve-injections",
    ),
    (
        "64624 site Right knee on an LT line",
        [ln("64624", 1, "L", "LT", "Right knee")],
        RF,
        ["error:site-side@0:site"],
        "cms-pfs-2025",
    ),
    (
        "64624 two nerves, no 52",
        [ln("64624", 1, "R", "RT", "Right knee")],
        RF | {"genicular_nerves_treated": ["superomedial", "superolateral"]},
        ["warning:reduced@0:modifiers"],
        "aapm-cpt-2020-nerve-injections",
    ),
    (
        "64624 two nerves with 52",
        [ln("64624", 1, "R", "RT 52", "Right knee")],
        RF | {"genicular_nerves_treated": ["superomedial", "superolateral"]},
        [],
        "aapm-cpt-2020-nerve-injections",
    ),
    (
        "64624 with 64454 same knee same day",
        [ln("64624", 1, "R", "RT", "Right knee"), ln("64454", 1, "R", "RT")],
        RF,
        ["warning:pair-bundled@1:modifiers"],
        "ncci-mue-overview",
    ),
    ("64628 L4 and L5 with KX", [ln("64628", 1, "", "KX", "L4, L5")], RF, [], "lcd-l39420"),
    (
        "64628 + 64629 three bodies",
        [ln("64628", 1, "", "KX", "L4, L5"), ln("64629", 1, "", "KX", "S1")],
        RF,
        [],
        "cms-pfs-2025",
    ),
    (
        "64628 three bodies on one line",
        [ln("64628", 1, "", "KX", "L3, L4, L5")],
        RF,
        ["error:site-count@0:site"],
        "cms-pfs-2025",
    ),
    (
        "64629 three units",
        [ln("64628", 1, "", "", "L1, L2"), ln("64629", 3, "", "", "L3, L4, L5")],
        RF,
        ["error:daily-units@1:units"],
        "cms-pfs-2025",
    ),
    (
        "64628 with a side modifier",
        [ln("64628", 1, "", "RT", "L4, L5")],
        RF,
        ["error:modifier@0:modifiers"],
        "cms-pfs-2025",
    ),
    # --- peripheral: 64600, 64605/64610, 64620, 64630, 64632, 64640 ----------------------
    (
        "64600 two branches left",
        [ln("64600", 2, "L", "LT", "Supraorbital, Infraorbital")],
        CHEM,
        [],
        "cms-pfs-2025",
    ),
    (
        "64600 bilateral on one line",
        [ln("64600", 1, "B", "", "Supraorbital")],
        CHEM,
        ["error:side@0:side"],
        "cms-pfs-2025",
    ),
    (
        "64605 no imaging",
        [ln("64605", 1, "R", "RT")],
        {"technique": "thermal_rf", "imaging_modality": "none"},
        [],
        "cms-pfs-2025",
    ),
    (
        "64605 under fluoroscopy is 64610",
        [ln("64605", 1, "R", "RT")],
        {"technique": "thermal_rf", "imaging_modality": "fluoroscopy"},
        ["error:guidance@0:imaging_modality"],
        "cms-pfs-2025",
    ),
    (
        "64610 under fluoroscopy",
        [ln("64610", 1, "L", "LT")],
        {"technique": "thermal_rf", "imaging_modality": "fluoroscopy"},
        [],
        "cms-mue",
    ),
    (
        "64610 without imaging",
        [ln("64610", 1, "L", "LT")],
        {"technique": "chemical", "imaging_modality": "none"},
        ["error:guidance@0:imaging_modality"],
        "cms-pfs-2025",
    ),
    (
        "64605 with 64610",
        [ln("64605", 1, "L", "LT"), ln("64610", 1, "R", "RT")],
        {"technique": "chemical"},
        ["error:pair-exclusive@1:code"],
        "cms-pfs-2025",
    ),
    (
        "64620 five nerves over two sides",
        [ln("64620", 3, "L", "LT", "T6, T7, T8"), ln("64620", 2, "R", "RT", "T6, T7")],
        CHEM,
        [],
        "cms-mue",
    ),
    (
        "64620 five plus five",
        [
            ln("64620", 5, "L", "LT", "T4, T5, T6, T7, T8"),
            ln("64620", 5, "R", "RT", "T4, T5, T6, T7, T8"),
        ],
        CHEM,
        ["error:daily-units@0:units"],
        "cms-mue",
    ),
    ("64620 T12 named as in the catalog", [ln("64620", 1, "R", "RT", "T12")], CHEM, [], "cms-mue"),
    (
        "64630 left pudendal",
        [ln("64630", 1, "L", "LT", "Left pudendal nerve")],
        CHEM,
        [],
        "cms-pfs-2025",
    ),
    (
        "64630 site right on a left line",
        [ln("64630", 1, "L", "LT", "Right pudendal nerve")],
        CHEM,
        ["error:site-side@0:site"],
        "cms-pfs-2025",
    ),
    (
        "64632 3rd web space left",
        [ln("64632", 1, "L", "LT", "3rd web space")],
        CHEM,
        [],
        "lcd-l34076",
    ),
    (
        "64632 RF is covered",
        [ln("64632", 1, "L", "LT", "3rd")],
        {"technique": "thermal_rf"},
        [],
        "neurolytic-agent-definition",
    ),
    (
        "64632 with a toe modifier",
        [ln("64632", 1, "L", "T2")],
        CHEM,
        ["warning:modifier@0:modifiers", "error:site@0:site"],
        "cms-pfs-2025",
    ),
    (
        "64632 toe modifier and LT",
        [ln("64632", 1, "L", "LT T2", "3rd web space")],
        CHEM,
        ["warning:modifier@0:modifiers", "error:modifier@0:modifiers"],
        "cms-pfs-2025",
    ),
    (
        "64632 two web spaces, one unit",
        [ln("64632", 1, "L", "LT", "2nd, 3rd")],
        CHEM,
        ["error:site-count@0:units"],
        "cms-pfs-2025",
    ),
    (
        "64640 two named nerves",
        [ln("64640", 2, "R", "RT", "Suprascapular nerve, Axillary nerve (articular branches)")],
        CHEM,
        [],
        "ncci-ch8-nerve-units",
    ),
    (
        "64640 cryoneurolysis",
        [ln("64640", 1, "R", "RT", "Suprascapular nerve")],
        {"technique": "cryo"},
        ["warning:technique@0:technique"],
        "cgs-cryo-2022",
    ),
    (
        "64640 units and nerves differ",
        [ln("64640", 3, "R", "RT", "Suprascapular nerve")],
        CHEM,
        ["error:site-count@0:units"],
        "ncci-ch8-nerve-units",
    ),
    (
        "64640 six nerves",
        [ln("64640", 6, "R", "RT", "a, b, c, d, e, f")],
        CHEM,
        ["warning:daily-units@0:units"],
        "ncci-ch8-nerve-units",
    ),
    # --- plexus 64680/64681 ----------------------------------------------------------------
    ("64681 phenol", [ln("64681")], CHEM | {"imaging_modality": "fluoroscopy"}, [], "ncd-160-1"),
    (
        "64681 RF (any neurolytic method)",
        [ln("64681")],
        {"technique": "thermal_rf", "imaging_modality": "ct"},
        [],
        "neurolytic-agent-definition",
    ),
    ("64681 two units", [ln("64681", 2)], CHEM, ["error:daily-units@0:units"], "cms-pfs-2025"),
    (
        "64681 with LT",
        [ln("64681", 1, "", "LT")],
        CHEM,
        ["error:modifier@0:modifiers"],
        "cms-pfs-2025",
    ),
    (
        "64681 with 64517 same session",
        [ln("64681"), ln("64517")],
        CHEM,
        ["warning:pair-bundled@1:modifiers"],
        "ncci-mue-overview",
    ),
    ("64680 alcohol", [ln("64680")], CHEM | {"imaging_modality": "ct"}, [], "ncd-160-1"),
    ("64680 RF", [ln("64680")], {"technique": "cooled_rf"}, [], "neurolytic-agent-definition"),
    (
        "64680 with 64530",
        [ln("64680"), ln("64530")],
        CHEM,
        ["warning:pair-bundled@1:modifiers"],
        "ncci-mue-overview",
    ),
    # --- chemodenervation 64642-64647 ------------------------------------------------------
    (
        "64642 + 64643 two extremities",
        [
            ln("64642", 1, "", "", "Right upper extremity"),
            ln("64643", 1, "", "", "Right lower extremity"),
        ],
        TOX,
        [],
        "chemodenervation-structure",
    ),
    (
        "64644 + 64643 x3 four extremities",
        [
            ln("64644", 1, "", "", "Right upper extremity"),
            ln(
                "64643",
                3,
                "",
                "",
                "Left upper extremity, Right lower extremity, Left lower extremity",
            ),
        ],
        TOX,
        [],
        "chemodenervation-structure",
    ),
    (
        "64643 3 + 3",
        [
            ln("64642", 1, "", "", "Right upper extremity"),
            ln(
                "64643",
                3,
                "",
                "",
                "Left upper extremity, Right lower extremity, Left lower extremity",
            ),
            ln(
                "64643",
                3,
                "",
                "",
                "Left upper extremity, Right lower extremity, Left lower extremity",
            ),
        ],
        TOX,
        ["error:daily-units@1:units", "error:cap@1:units", "error:site-twice@2:site"],
        "chemodenervation-structure",
    ),
    (
        "64643 + 64645 four additional",
        [
            ln("64644", 1, "", "", "Right upper extremity"),
            ln("64643", 2, "", "", "Left upper extremity, Right lower extremity"),
            ln("64645", 2, "", "", "Left lower extremity, Right upper extremity"),
        ],
        TOX,
        ["error:cap@1:units", "error:site-twice@2:site"],
        "chemodenervation-structure",
    ),
    (
        "64642 with 64644",
        [
            ln("64642", 1, "", "", "Right upper extremity"),
            ln("64644", 1, "", "", "Left upper extremity"),
        ],
        TOX,
        ["error:pair-exclusive@1:code"],
        "chemodenervation-structure",
    ),
    (
        "64642 twice",
        [
            ln("64642", 1, "", "", "Right upper extremity"),
            ln("64642", 1, "", "", "Left upper extremity"),
        ],
        TOX,
        ["error:daily-units@0:units"],
        "chemodenervation-structure",
    ),
    (
        "64643 without a primary",
        [ln("64643", 1, "", "", "Left upper extremity")],
        TOX,
        ["error:addon@0:code"],
        "chemodenervation-structure",
    ),
    (
        "64645 with 64642 only",
        [
            ln("64642", 1, "", "", "Right upper extremity"),
            ln("64645", 1, "", "", "Left lower extremity"),
        ],
        TOX,
        ["warning:addon-primary@1:code"],
        "chemodenervation-structure",
    ),
    (
        "64642 with JW on the procedure line",
        [ln("64642", 1, "", "JW", "Right upper extremity")],
        TOX,
        ["error:modifier@0:modifiers"],
        "art-a57474",
    ),
    (
        "64642 with JZ",
        [ln("64642", 1, "", "JZ", "Right upper extremity")],
        TOX,
        ["error:modifier@0:modifiers"],
        "art-a57474",
    ),
    (
        "64642 toxin with a phenol 64640 block",
        [
            ln("64642", 1, "", "", "Right lower extremity"),
            ln("64640", 1, "R", "RT", "Tibial nerve (motor branches)"),
        ],
        CHEM,
        [],
        "chemodenervation-structure",
    ),
    (
        "64642 toxin + 64640 phenol, technique per line",
        [
            ln("64642", 1, "", "", "Right lower extremity", "chemodenervation"),
            ln("64640", 1, "R", "RT", "Tibial nerve (motor branches)", "chemical"),
        ],
        {},
        [],
        "chemodenervation-structure",
    ),
    (
        "64642 recorded as RF",
        [ln("64642", 1, "", "", "Right upper extremity", "thermal_rf")],
        {},
        ["error:technique@0:technique"],
        "chemodenervation-structure",
    ),
    ("64646 trunk", [ln("64646")], TOX, [], "chemodenervation-structure"),
    ("64647 trunk, six muscles", [ln("64647")], TOX, [], "chemodenervation-structure"),
    (
        "64644 + 64645 two extremities of 5+ muscles",
        [
            ln("64644", 1, "", "", "Left lower extremity"),
            ln("64645", 1, "", "", "Right lower extremity"),
        ],
        TOX,
        [],
        "chemodenervation-structure",
    ),
    (
        "64646 with 64647",
        [ln("64646"), ln("64647")],
        TOX,
        ["error:pair-exclusive@1:code"],
        "chemodenervation-structure",
    ),
    ("64647 two units", [ln("64647", 2)], TOX, ["error:daily-units@0:units"], "cms-pfs-2025"),
    (
        "64644 on another note of the day beside 64642",
        [
            ln("64642", 1, "", "", "Right upper extremity"),
            ln("64644", 1, "", "", "Left upper extremity", note=9),
        ],
        TOX,
        ["error:pair-exclusive@0:code"],
        "chemodenervation-structure",
    ),
    # --- diagnostic blocks -----------------------------------------------------------------
    (
        "64493 + 64494 + 64495 three levels",
        [
            ln("64493", 1, "B", "50", "L3-L4"),
            ln("64494", 1, "B", "50", "L4-L5"),
            ln("64495", 1, "B", "50", "L5-S1"),
        ],
        BLOCK,
        [],
        "cms-mue",
    ),
    ("64493 with KX", [ln("64493", 1, "R", "RT KX", "L4-L5")], BLOCK, [], "lcd-l38801"),
    (
        "64494 twice",
        [ln("64493", 1, "R", "RT", "L3-L4"), ln("64494", 2, "R", "RT", "L4-L5")],
        BLOCK,
        ["error:daily-units@1:units"],
        "cms-mue",
    ),
    ("64490 C5-C6 left", [ln("64490", 1, "L", "LT", "C5-C6")], BLOCK, [], "cms-mue"),
    (
        "64490 at L4-L5",
        [ln("64490", 1, "L", "LT", "L4-L5")],
        BLOCK,
        ["error:site-region@0:site"],
        "facet-code-structure",
    ),
    (
        "64491 without 64490",
        [ln("64491", 1, "L", "LT", "C6-C7")],
        BLOCK,
        ["error:addon@0:code"],
        "cms-pfs-2025",
    ),
    (
        "64492 after 64490 + 64491",
        [
            ln("64490", 1, "R", "RT", "C4-C5"),
            ln("64491", 1, "R", "RT", "C5-C6"),
            ln("64492", 1, "R", "RT", "C6-C7"),
        ],
        BLOCK,
        [],
        "cms-mue",
    ),
    (
        "64492 two units",
        [
            ln("64490", 1, "R", "RT", "C4-C5"),
            ln("64491", 1, "R", "RT", "C5-C6"),
            ln("64492", 2, "R", "RT", "C6-C7, C7-T1"),
        ],
        BLOCK,
        ["error:daily-units@2:units"],
        "cms-mue",
    ),
    (
        "64495 without a first level",
        [ln("64495", 1, "L", "LT", "L5-S1")],
        BLOCK,
        ["error:addon@0:code"],
        "cms-pfs-2025",
    ),
    ("27096 bilateral", [ln("27096", 1, "B", "50")], BLOCK, [], "cms-mue"),
    (
        "27096 two units",
        [ln("27096", 2, "R", "RT")],
        BLOCK,
        ["error:daily-units@0:units"],
        "cms-mue",
    ),
    (
        "64454 right knee",
        [ln("64454", 1, "R", "RT")],
        {"technique": "nerve_block", "imaging_modality": "ultrasound"},
        [],
        "ncci-ch8-nerve-units",
    ),
    (
        "64454 one unit per genicular branch",
        [ln("64454", 3, "R", "RT")],
        BLOCK,
        ["error:daily-units@0:units"],
        "ncci-ch8-nerve-units",
    ),
    ("64517 prognostic block", [ln("64517")], BLOCK, [], "ncci-ch8-nerve-units"),
    (
        "64517 with a side",
        [ln("64517", 1, "L", "LT")],
        BLOCK,
        ["warning:side@0:side", "error:modifier@0:modifiers"],
        "cms-pfs-2025",
    ),
    ("64530 prognostic block", [ln("64530")], BLOCK, [], "ncci-ch8-nerve-units"),
    (
        "64530 two units",
        [ln("64530", 2)],
        BLOCK,
        ["error:daily-units@0:units"],
        "ncci-ch8-nerve-units",
    ),
    # --- the note as a whole -----------------------------------------------------------------
    ("no code", [], {}, ["error:no-code@-:code"], "cms-pfs-2025"),
    ("unknown code", [ln("99999")], {}, ["error:unknown-code@0:code"], "cms-pfs-2025"),
    ("zero units", [ln("64681", 0)], CHEM, ["error:units@0:units"], "cms-pfs-2025"),
    (
        "side treated says left, lines say right",
        [ln("64635", 1, "R", "RT", "L4-L5")],
        RF | {"procedure_side": "left"},
        ["error:side-answer@-:procedure_side"],
        "cms-pfs-2025",
    ),
]


def verdict(problems):
    return [
        f"{p.severity}:{p.rule}@{'-' if p.line is None else p.line}:{p.field}" for p in problems
    ]


@pytest.mark.parametrize(
    ("lines", "answers", "expected"),
    [
        pytest.param(lines, answers, expected, id=name)
        for name, lines, answers, expected, _ in SCENARIOS
    ],
)
def test_claim_verdict(lines, answers, expected):
    assert verdict(scrub(claim(lines, answers))) == expected


def test_the_table_is_large_and_cites_a_known_source():
    from .claims import shipped

    codes, _, _ = shipped()
    assert len(SCENARIOS) >= 80
    names = [name for name, *_ in SCENARIOS]
    assert len(set(names)) == len(names)
    from django.conf import settings

    from procedures.catalog_file import parse_catalog

    sources = set(parse_catalog(settings.CATALOG_FILE).sources) | {"lcd-l38801", "lcd-l39420"}
    assert {source for *_, source in SCENARIOS} <= sources


def test_every_code_has_a_clean_and_a_refused_claim():
    from .claims import shipped

    codes, _, _ = shipped()
    clean, refused = set(), set()
    for _, lines, _, expected, _ in SCENARIOS:
        for line in lines:
            (refused if expected else clean).add(line["code"])
    assert sorted(set(codes) - clean) == []
    assert sorted(set(codes) - refused) == []


def test_a_note_dated_outside_the_catalogs_cpt_year_gets_a_notice():
    problems = scrub(claim([ln("64681")], CHEM, day=datetime.date(2026, 11, 29)))
    assert [(p.severity, p.message, p.fix) for p in problems] == [
        (
            "notice",
            "This note is dated 2026, but the catalog's codes were checked against CPT 2025.",
            "Check each code against your 2026 CPT book before billing.",
        )
    ]


GOLDEN = Path(__file__).parent / "golden" / "scenario_problems.json"


def test_every_problem_word_for_word():
    """Each scenario's problems with their message and fix, as reviewed and frozen in
    golden/scenario_problems.json: a change of wording is a visible diff there."""
    expected = json.loads(GOLDEN.read_text())
    found = {
        name: [
            [p.severity, p.line, p.field, p.message, p.fix] for p in scrub(claim(lines, answers))
        ]
        for name, lines, answers, _, _ in SCENARIOS
    }
    assert found == expected
