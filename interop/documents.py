"""The signed PDF a DocumentReference points to: the one place the API gets its bytes.

The bytes stored at signing (checklists.signed_pdfs): the same signed note gives the same
bytes, and the same hashes, on every fetch, and an addendum adds a version.
"""

from checklists.signed_pdfs import note_pdf_bytes


def signed_pdf(note) -> bytes:
    return note_pdf_bytes(note)
