"""The prior-authorization packet: one PDF/A-3b with bookmarks.

Order: a cover sheet (each coverage criterion of the packs that apply, met or not, and the
packet page where the evidence is), the note itself, the diagnostic block notes the rules
relied on, then bookmarks to each note's addenda. Each note is the note PDF the notes app
renders (`checklists.pdf.render.render_note_pdf`, PDF/A-3b with its canonical JSON
attached); pypdf puts them behind the cover. The cover carries the packet's PDF/A
identity (XMP metadata, sRGB output intent) and every note's `note.json` is attached to
the packet again, as `note-<id>.json`, with the relationship PDF/A-3 asks for.
"""

import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from checklists.models import Note
from checklists.pdf.note_context import page_size, practice_line
from checklists.pdf.render import page_numbers, render_note_pdf, write_pdf
from practice.models import Practice

from .checks import FAILED, MET, NOT_APPLICABLE
from .selectors import evaluate_note

STATUS_LABELS = {MET: "Met", FAILED: "Not met", NOT_APPLICABLE: "Not applicable"}
SEVERITY_LABELS = {"blocks": "Required", "warning": "Warning", "information": "Information"}


@dataclass
class Piece:
    """One note's PDF inside the packet."""

    note: Note
    role: str  # "note" or "block"
    pdf: bytes
    reader: PdfReader = field(init=False)
    first_page: int = 0  # 1-based page of the packet, set once the cover is known
    texts: list[str] = field(init=False)

    def __post_init__(self):
        self.reader = PdfReader(io.BytesIO(self.pdf))
        self.texts = [" ".join(page.extract_text().split()) for page in self.reader.pages]

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    def page_of(self, text: str) -> int | None:
        """The first packet page of this note whose text has `text` (the first 40 characters)."""
        wanted = " ".join(text.split())[:40]
        for index, page in enumerate(self.texts):
            if wanted and wanted in page:
                return self.first_page + index
        return None

    def outline_page(self, title: str) -> int | None:
        """The packet page of this note's own bookmark `title` (WeasyPrint's, from its h2)."""
        for item in _flatten(self.reader.outline):
            if getattr(item, "title", None) == title:
                return self.first_page + self.reader.get_destination_page_number(item)
        return None


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


@dataclass(frozen=True)
class CriterionRow:
    pack: dict
    result: object
    status_label: str
    severity_label: str
    evidence: str


def _evidence_text(result, note_piece: Piece, pieces: dict[int, Piece], labels) -> str:
    places = []
    for key in result.outcome.elements:
        page = note_piece.page_of(labels.get(key, ""))
        if page:
            places.append(f"this note, p. {page}")
    for note_id in result.outcome.evidence:
        piece = pieces.get(note_id)
        if piece is not None:
            places.append(f"note {note_id}, p. {piece.first_page}")
        else:
            places.append(f"note {note_id} (in the record)")
    return "; ".join(dict.fromkeys(places)) or "—"


def _cover_html(note, evaluation, pieces, generated_at) -> str:
    by_id = {piece.note.pk: piece for piece in pieces}
    main = pieces[0]
    labels = {e["key"]: e["label"] for e in note.definitions.get("elements", [])}
    packs = []
    for pack, results in evaluation.packs:
        rows = [
            CriterionRow(
                pack=pack,
                result=result,
                status_label=STATUS_LABELS.get(result.status, result.status),
                severity_label=SEVERITY_LABELS.get(result.severity, result.severity),
                evidence=_evidence_text(result, main, by_id, labels)
                if result.status != NOT_APPLICABLE
                else "—",
            )
            for result in results
        ]
        packs.append((pack, rows))
    practice = Practice.current()
    contents = [
        (f"Procedure note {note.pk}", main.first_page, main.pages),
        *[
            (
                f"Block note {piece.note.pk} ({piece.note.date_of_service:%m/%d/%Y})",
                piece.first_page,
                piece.pages,
            )
            for piece in pieces[1:]
        ],
    ]
    return render_to_string(
        "rules/packet_cover.html",
        {
            "note": note,
            "evaluation": evaluation,
            "packs": packs,
            "contents": contents,
            "practice": practice,
            "practice_line": practice_line(practice),
            "page_size": page_size(practice),
            "generated_at": generated_at,
        },
    )


def _relied_on(note, evaluation) -> list[Note]:
    """The block notes behind the prerequisite rules, oldest first."""
    ids = [
        i
        for result in evaluation.results
        if result.kind == "prerequisite_notes"
        for i in result.outcome.evidence
        if i is not None and i != note.pk
    ]
    return list(
        Note.objects.filter(pk__in=ids)
        .exclude(status=Note.Status.DRAFT)
        .select_related("patient", "clinician", "signed_by")
        .prefetch_related("snapshot")  # each distinct snapshot decoded once
        .order_by("date_of_service", "pk")
    )


@dataclass(frozen=True)
class Packet:
    pdf: bytes
    note_ids: tuple[int, ...]
    claim_ready: bool
    state: str


def build_packet(note, *, generated_at=None) -> Packet:
    generated_at = generated_at or timezone.now()
    evaluation = evaluate_note(note)
    blocks = _relied_on(note, evaluation)
    pieces = [Piece(note, "note", render_note_pdf(note, generated_at=generated_at))]
    pieces += [
        Piece(block, "block", render_note_pdf(block, generated_at=generated_at))
        for block in blocks
    ]
    # The cover lists pages that depend on its own length: render until that settles.
    cover_pages, cover = 1, b""
    for _ in range(4):
        page = cover_pages + 1
        for piece in pieces:
            piece.first_page = page
            page += piece.pages
        total = page - 1
        cover = write_pdf(
            _cover_html(note, evaluation, pieces, generated_at),
            stylesheets=[page_numbers(1, total)],
        )
        pages = len(PdfReader(io.BytesIO(cover)).pages)
        if pages == cover_pages:
            break
        cover_pages = pages
    # The notes again, numbered as pages of the packet ("Page 3 of 7"): the footer's text
    # changes, not the layout, so each keeps its page count.
    for piece in pieces:
        piece.pdf = render_note_pdf(
            piece.note, generated_at=generated_at, pages=(piece.first_page, total)
        )
        piece.reader = PdfReader(io.BytesIO(piece.pdf))
    return Packet(
        pdf=_merge(cover, pieces, note),
        note_ids=tuple(piece.note.pk for piece in pieces),
        claim_ready=evaluation.claim_ready,
        state=evaluation.state,
    )


def _merge(cover: bytes, pieces: list[Piece], note) -> bytes:
    cover_reader = PdfReader(io.BytesIO(cover))
    writer = PdfWriter()
    writer.pdf_header = cover_reader.pdf_header
    writer.append(cover_reader, import_outline=False)
    for piece in pieces:
        writer.append(piece.reader, import_outline=False)

    # The packet's PDF/A identity is the cover's: XMP metadata, output intent, document info.
    root = cover_reader.trailer["/Root"]
    for name in ("/Metadata", "/OutputIntents", "/Lang", "/MarkInfo"):
        if name in root:
            writer._root_object[NameObject(name)] = root[name].clone(writer)
    info = cover_reader.metadata or {}
    writer.add_metadata(dict(info))

    _attach_note_data(writer, pieces)
    _bookmarks(writer, pieces, note)
    writer.page_mode = "/UseOutlines"
    writer.generate_file_identifiers()  # PDF/A wants a file identifier in the trailer
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _attach_note_data(writer: PdfWriter, pieces: list[Piece]):
    """Each note's note.json, renamed note-<id>.json, as an associated file of the packet."""
    names, associated = [], ArrayObject()
    for piece in pieces:
        root = piece.reader.trailer["/Root"]
        try:
            embedded = root["/Names"]["/EmbeddedFiles"]["/Names"]
        except KeyError:
            continue
        for index in range(0, len(embedded), 2):
            filespec = embedded[index + 1].get_object().clone(writer)
            name = f"note-{piece.note.pk}.json"
            filespec[NameObject("/F")] = TextStringObject(name)
            filespec[NameObject("/UF")] = TextStringObject(name)
            ref = writer._add_object(filespec)
            names.append((name, ref))
            associated.append(ref)
    if not names:
        return
    tree = ArrayObject()
    for name, ref in sorted(names):
        tree += [TextStringObject(name), ref]
    # Keep whatever else the name dictionary holds (named destinations of the notes).
    if "/Names" not in writer._root_object:
        writer._root_object[NameObject("/Names")] = DictionaryObject()
    writer._root_object["/Names"][NameObject("/EmbeddedFiles")] = DictionaryObject(
        {NameObject("/Names"): tree}
    )
    writer._root_object[NameObject("/AF")] = associated


def _bookmarks(writer: PdfWriter, pieces: list[Piece], note):
    def mark(title, page, parent=None):
        return writer.add_outline_item(title=title, page_number=page - 1, parent=parent)

    mark("Cover sheet: coverage criteria", 1)
    main = pieces[0]
    mark(f"{note.title}, note {note.pk}", main.first_page)
    blocks = pieces[1:]
    if blocks:
        parent = mark("Diagnostic and prognostic blocks relied on", blocks[0].first_page)
        for piece in blocks:
            block = piece.note
            mark(
                f"{block.title}, {block.date_of_service:%m/%d/%Y}, note {block.pk}",
                piece.first_page,
                parent,
            )
    with_addenda = [(p, p.outline_page("Addenda")) for p in pieces if p.note.addenda.exists()]
    with_addenda = [(p, page) for p, page in with_addenda if page]
    if with_addenda:
        parent = mark("Addenda", with_addenda[0][1])
        for piece, page in with_addenda:
            count = piece.note.addenda.count()
            mark(f"Note {piece.note.pk}: {count} addend{'a' if count > 1 else 'um'}", page, parent)
