"""The side a note's code lines bill, and the "Side treated" answer that agrees with it."""

SIDE_NAMES = {"left": "left", "right": "right", "bilateral": "both sides", "midline": "midline"}


def sides_of(lines: list[dict]) -> set[str]:
    return {line.get("side") for line in lines if line.get("side")}


def side_answer_for(lines: list[dict]) -> str | None:
    """The "Side treated" answer that agrees with these lines (None when they have no side)."""
    sides = sides_of(lines)
    if not sides:
        return None
    if "bilateral" in sides or {"left", "right"} <= sides:
        return "bilateral"
    return sides.pop()


def documented_side(lines: list[dict]) -> dict:
    """The answer that documents the side these lines bill ({} when they have no side)."""
    side = side_answer_for(lines)
    return {"procedure_side": {"value": side}} if side else {}
