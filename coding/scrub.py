"""Run every rule over a claim: the one entry point the panel, signing and tests use."""

import dataclasses

from . import claim_rules, line_rules
from .claim import Claim
from .problems import ERROR, CodingProblem


def scrub(claim: Claim) -> list[CodingProblem]:
    """Every problem of the claim, the note's lines in order, then the claim's."""
    if not claim.own_lines:
        return [
            CodingProblem(
                "The note has no code.",
                "Add the code you performed.",
                None,
                "code",
                ERROR,
                "no-code",
            )
        ]
    problems = []
    for line in claim.own_lines:
        if line.code not in claim.codes:
            problems.append(
                CodingProblem(
                    f"{line.code} is not in this note's catalog.",
                    "Remove the line.",
                    line.index,
                    "code",
                    ERROR,
                    "unknown-code",
                )
            )
            continue
        for check in line_rules.CHECKS:
            problems += check(claim, line)
    known = dataclasses.replace(
        claim,
        lines=tuple(line for line in claim.lines if line.code in claim.codes or not line.own),
    )
    for check in claim_rules.CHECKS:
        problems += check(known)
    return problems
