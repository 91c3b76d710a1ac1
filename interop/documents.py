"""The signed PDF a DocumentReference points to: the one place the API gets its bytes.

Rendered from the note with the signing time as its generation time, so the same signed
note gives the same bytes (and the same hashes) on every fetch. When signed PDFs are stored
at signing, this function returns the stored bytes instead.
"""

from checklists.pdf.render import render_note_pdf


def signed_pdf(note) -> bytes:
    addenda = list(note.addenda.all())
    moment = max([note.signed_at] + [a.created_at for a in addenda])
    return render_note_pdf(note, generated_at=moment)
