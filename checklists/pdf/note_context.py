"""What the note PDF shows, computed from the note alone (no request: safe in a worker)."""

import copy
import hashlib
import re
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from practice.models import Practice

from ..canonical import canonical_bytes
from ..completeness import assess
from ..forms import TECHNIQUE_LABELS
from ..narrative import lower_first, note_description
from ..presentation import Row, display_value, note_sections

# Longer answers print as paragraphs under their label, free to break across pages;
# shorter ones stay label: value rows that never split.
LONG_ANSWER = 320
KEY_FINDINGS = (
    ("pain_score_pre", "Pain before"),
    ("pain_score_post", "Pain after"),
    ("complications", "Complications"),
)
PAGE_SIZES = {"letter": "letter", "a4": "A4"}


@dataclass(frozen=True)
class Block:
    """A run of short label: value rows, or a single long answer (and its printed text)."""

    rows: tuple[Row, ...]
    long: bool
    text: str = ""


@dataclass(frozen=True)
class PrintedSection:
    label: str
    blocks: tuple[Block, ...]


def free_text(text: str) -> str:
    """A long answer as print lays it out: runs of spaces and tabs are one space, and no
    line starts or ends with one. Its paragraphs print with `white-space: pre-wrap`, which
    would keep them; HTML's own collapsing printed the same, but cost WeasyPrint a
    second layout of every line."""
    text = re.sub(r"[ \t]+", " ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return re.sub(r" ?\n ?", "\n", text).strip(" ")


def is_long(row: Row) -> bool:
    return len(row.display) > LONG_ANSWER or row.display.count("\n") >= 3


def blocks(rows) -> tuple[Block, ...]:
    result: list[Block] = []
    short: list[Row] = []
    for row in rows:
        if row.documented and is_long(row):
            if short:
                result.append(Block(tuple(short), long=False))
                short = []
            result.append(Block((row,), long=True, text=free_text(row.display)))
        else:
            short.append(row)
    if short:
        result.append(Block(tuple(short), long=False))
    return tuple(result)


def two_columns(items) -> tuple[tuple, tuple]:
    """Items split for two table cells, read down the first then the second (as CSS columns
    would, which cost WeasyPrint more than a third of the blank checklist's render time)."""
    half = (len(items) + 1) // 2
    return tuple(items[:half]), tuple(items[half:])


def document_title(note) -> str:
    # "Superior hypogastric ..." reads as "Procedure note: superior hypogastric ...", but
    # an acronym such as "RF ablation" or an eponym such as "Morton's" keeps its capital.
    return f"Procedure note: {lower_first(note.title)}"


def code_lines(note) -> list[dict]:
    specs = note.definitions.get("codes", {})
    return [
        {
            "code": line.code,
            "title": specs.get(line.code, {}).get("title", ""),
            "units": line.units,
            "modifiers": ", ".join(line.modifiers),
            "side": line.get_side_display() if line.side else "",
            "site": line.site,
            "technique": TECHNIQUE_LABELS.get(line.technique, line.technique),
        }
        for line in note.lines.all()
    ]


def line_details(line: dict, *, with_technique: bool) -> str:
    """What the codes section prints after a line's code and title, on the same line:
    "1 unit · Modifier LT · Side Left · Site C5-C6". Units and modifiers always (a biller
    reads "No modifier" as checked, not forgotten); side, site and technique when there is
    one to print. Plain text in one run: each styled span is a box WeasyPrint lays out."""
    units = line["units"]
    modifiers = line["modifiers"]
    parts = [f"{units} unit" if units == 1 else f"{units} units"]
    if not modifiers:
        parts.append("No modifier")
    else:
        parts.append(("Modifiers " if "," in modifiers else "Modifier ") + modifiers)
    if line["side"]:
        parts.append(f"Side {line['side']}")
    if line["site"]:
        parts.append(f"Site {line['site']}")
    if with_technique and line["technique"]:
        parts.append(f"Technique {line['technique']}")
    # A label never ends a printed line apart from its value ("Site" / "C6-C7").
    parts = [part.replace(" ", "\N{NO-BREAK SPACE}", 1) for part in parts]
    return " · ".join(parts)


def lines_differ_in_technique(lines: list[dict]) -> bool:
    """Whether each code line names its technique: one session may bill toxin on 64642
    and a phenol block on 64640. A technique every line shares prints once, with the
    procedure's answers."""
    return len({line["technique"] for line in lines}) > 1


def key_findings(note) -> list[tuple[str, str]]:
    by_key = {e["key"]: e for e in note.definitions.get("elements", [])}
    answers = note.answers or {}
    findings = []
    for key, label in KEY_FINDINGS:
        if key in by_key and key in answers:
            shown = display_value(by_key[key], answers[key])
            if shown:
                findings.append((label, shown))
    return findings


def practice_line(practice) -> str:
    """The practice's address and phone on one line, to keep the letterhead short."""
    parts = [line.strip() for line in practice.address.splitlines() if line.strip()]
    if practice.phone:
        parts.append(f"Phone {practice.phone}")
    return " · ".join(parts)


def page_size(practice) -> str:
    return PAGE_SIZES.get(practice.pdf_page_size, PAGE_SIZES["letter"])


def with_lines_read_once(note):
    """A copy of `note` whose code lines are read once: the title, the code lines, the
    narrative and the attached data each read them (five queries, now one). A copy, so that
    the caller's note keeps no cache of lines that may change."""
    copied = copy.copy(note)
    copied._prefetched_objects_cache = dict(getattr(note, "_prefetched_objects_cache", {}))
    prefetch_related_objects([copied], "lines")
    return copied


def note_context(note, generated_at) -> dict:
    note = with_lines_read_once(note)
    practice = Practice.current()
    data = canonical_bytes(note)
    data_hash = hashlib.sha256(data).hexdigest()
    result = assess(note.definitions.get("elements", []), note.answers or {})
    sections = note_sections(note, include_undocumented=not note.is_signed)
    lines = code_lines(note)
    technique_per_line = lines_differ_in_technique(lines)
    for line in lines:
        line["details"] = line_details(line, with_technique=technique_per_line)
    return {
        "note": note,
        "practice": practice,
        "practice_line": practice_line(practice),
        "page_size": page_size(practice),
        "generated_at": generated_at,
        "title": document_title(note),
        "lines": lines,
        "description": note_description(note),
        "findings": key_findings(note),
        "sections": [PrintedSection(s.label, blocks(s.rows)) for s in sections],
        "missing_required": result.missing_required,
        "missing_columns": two_columns(result.missing_required),
        "missing_recommended": result.missing_recommended,
        "addenda": list(note.addenda_with_authors()),
        "data": data,
        # The attachment is rebuilt from the note: say so if it no longer matches the signature.
        "integrity_ok": not note.is_signed or data_hash == note.content_hash,
    }
