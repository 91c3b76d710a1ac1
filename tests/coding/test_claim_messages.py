"""What the scrubber says, word for word, for the claims issue 14 found passing or blocked:
the message names what is wrong and the fix names the right code, modifier or lines.
(severity, line, field, message, fix) for every problem, in order."""

import pytest

from coding.scrub import scrub

from .claims import claim
from .test_claim_scenarios import SCENARIOS

EXACT = {
    "64620 five plus five": [
        (
            "error",
            0,
            "units",
            "64620 is billed 10 units on 2 lines (line 1, line 2) this date of service; it allows 5.",
            "Report at most five intercostal nerves a day in all, whatever the sides.",
        ),
    ],
    "64643 3 + 3": [
        (
            "error",
            1,
            "units",
            "64643 is billed 6 units on 2 lines (line 2, line 3) this date of service; it allows 3.",
            "At most three additional extremities (four in all).",
        ),
        (
            "error",
            1,
            "units",
            "6 additional extremities (64643 + 64645) on this date of service; at most 3.",
            "Four extremities at most: one on 64642 or 64644 and at most three more on 64643 and 64645 together.",
        ),
        (
            "error",
            2,
            "site",
            "Left upper extremity, Right lower extremity, Left lower extremity billed twice: 64643 (line 2) and 64643 (line 3).",
            "Bill each site once: remove it from one line.",
        ),
    ],
    "64635-50 twice": [
        (
            "error",
            0,
            "units",
            "64635 is billed 2 units on 2 lines (line 1, line 2) this date of service; it allows 1.",
            "Keep L4-L5 on 64635 and move L5-S1: 64635 is the first joint only: the same level on both sides is one line with modifier 50; every other joint goes on 64636.",
        ),
    ],
    "64635 LT and RT lines, same level": [
        (
            "error",
            0,
            "units",
            "64635 is billed 2 units on 2 lines (line 1, line 2) this date of service; it allows 1.",
            "Report both sides of L4-L5 on one 64635 line with modifier 50 and 1 unit.",
        ),
    ],
    "64635 LT and RT lines, different levels": [
        (
            "error",
            0,
            "units",
            "64635 is billed 2 units on 2 lines (line 1, line 2) this date of service; it allows 1.",
            "Keep L4-L5 on 64635 and move L5-S1: 64635 is the first joint only: the same level on both sides is one line with modifier 50; every other joint goes on 64636.",
        ),
    ],
    "64642 with 64644": [
        (
            "error",
            1,
            "code",
            "64642 and 64644 are both the first-extremity code: a session has one.",
            "Report 64644 for the extremity with the most muscles (5 or more) and each other extremity with 64643 (1-4 muscles) or 64645 (5 or more).",
        ),
    ],
    "64646 with 64647": [
        (
            "error",
            1,
            "code",
            "64646 and 64647 both describe the trunk muscles of one session.",
            "Count every trunk muscle injected: 1-5 muscles is 64646, 6 or more is 64647, one line.",
        ),
    ],
    "64605 with 64610": [
        (
            "error",
            1,
            "code",
            "64605 and 64610 are the same procedure without and with radiologic monitoring.",
            "Report one: 64610 when imaging monitored the procedure, 64605 when it did not.",
        ),
    ],
    "64642 twice": [
        (
            "error",
            0,
            "units",
            "64642 is billed 2 units on 2 lines (line 1, line 2) this date of service; it allows 1.",
            "Keep Right upper extremity on 64642 and move Left upper extremity: one primary code a session: report each additional extremity with 64643 (1-4 muscles) or 64645 (5 or more).",
        ),
    ],
    "64633 + 64634 at lumbar levels": [
        (
            "error",
            0,
            "site",
            "L4-L5 is a lumbar level: 64633 covers the cervical or thoracic spine.",
            "Bill L4-L5 on 64635 / 64636 / 64493 / 64494 / 64495.",
        ),
        (
            "error",
            1,
            "site",
            "L5-S1 is a lumbar-sacral level: 64634 covers the cervical or thoracic spine.",
            "Bill L5-S1 on 64635 / 64636 / 64493 / 64494 / 64495.",
        ),
    ],
    "64635 one level billed on both 64635 and 64636": [
        (
            "error",
            1,
            "site",
            "L4-L5 right billed twice: 64635 (line 1) and 64636 (line 2).",
            "Bill each site once: remove it from one line.",
        ),
    ],
    "64635 ultrasound guided": [
        (
            "error",
            0,
            "imaging_modality",
            "Facet joint destruction codes include fluoroscopic or CT guidance; done under ultrasound it is not 64635.",
            "Report the unlisted code 64999 for facet denervation without fluoroscopy or CT.",
        ),
    ],
    "64605 under fluoroscopy is 64610": [
        (
            "error",
            0,
            "imaging_modality",
            "64605 is the code without radiologic monitoring; this one was done under fluoroscopy.",
            "Report 64610, the same procedure under radiologic monitoring.",
        ),
    ],
    "64624 site Right knee on an LT line": [
        (
            "error",
            0,
            "site",
            "64624: the line is left but the site says “Right knee”.",
            "Correct the site or the side (and its LT/RT) so they name the side treated.",
        ),
    ],
    "64642 with JW on the procedure line": [
        (
            "error",
            0,
            "modifiers",
            "Modifier JW (drug amount discarded) does not go on 64642.",
            "Put JW on the drug's own HCPCS line (for example J0585 for onabotulinumtoxinA) with the discarded units, not on the procedure code.",
        ),
    ],
    "64624 two nerves, no 52": [
        (
            "warning",
            0,
            "modifiers",
            "64624 is valued for the three standard genicular nerves (superomedial, superolateral, inferomedial); 2 of them treated.",
            "Append modifier 52 (reduced service) when fewer than the three were treated (UNCONFIRMED: payers differ).",
        ),
    ],
    "64640 cryoneurolysis": [
        (
            "warning",
            0,
            "technique",
            "64640 does not cover cryoneurolysis.",
            "Medicare reports cryoneurolysis with 0440T-0442T, not with these codes; other payers vary (UNCONFIRMED): check the payer's policy.",
        ),
    ],
    "64643 + 64645 four additional": [
        (
            "error",
            1,
            "units",
            "4 additional extremities (64643 + 64645) on this date of service; at most 3.",
            "Four extremities at most: one on 64642 or 64644 and at most three more on 64643 and 64645 together.",
        ),
        (
            "error",
            2,
            "site",
            "Right upper extremity billed twice: 64644 (line 1) and 64645 (line 3).",
            "Bill each site once: remove it from one line.",
        ),
    ],
}

BY_NAME = {name: (lines, answers) for name, lines, answers, _, _ in SCENARIOS}


@pytest.mark.parametrize("name", EXACT)
def test_the_words_of_each_problem(name):
    lines, answers = BY_NAME[name]
    found = [(p.severity, p.line, p.field, p.message, p.fix) for p in scrub(claim(lines, answers))]
    assert found == EXACT[name]
