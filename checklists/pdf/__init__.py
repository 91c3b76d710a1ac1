"""The note PDF and the blank paper checklist, rendered with WeasyPrint (see docs/pdf.md)."""
