"""Write parsed rule packs (`pack_file.PackData`) into the database, all or nothing."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from .models import RulePack


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.changed or self.deactivated)

    def lines(self) -> list[str]:
        if self.unchanged:
            return ["Rule packs: already loaded, nothing changed."]
        lines = ["Rule packs: loaded."]
        for title, items in (
            ("Added", self.added),
            ("Changed", self.changed),
            ("Deactivated", self.deactivated),
        ):
            if items:
                lines.append(f"{title} ({len(items)}): {', '.join(items)}")
        return lines


def _values(pack) -> dict:
    return {
        "version": pack.version,
        "title": pack.title,
        "policy": pack.policy,
        "summary": pack.summary,
        "payer_kinds": pack.payer_kinds,
        "effective_from": (
            datetime.date.fromisoformat(pack.effective_from) if pack.effective_from else None
        ),
        "effective_to": (
            datetime.date.fromisoformat(pack.effective_to) if pack.effective_to else None
        ),
        "information_only": pack.information_only,
        "document": pack.document(),
        "checksum": pack.checksum,
        "source_file": pack.path,
        "active": True,
    }


@transaction.atomic
def load_packs(packs, *, deactivate_missing=True) -> LoadReport:
    """Add or update each pack; with `deactivate_missing`, packs no file names go inactive.

    A pack whose file is unchanged (same SHA-256) and still active is left alone, so a
    second load of the same files changes nothing.
    """
    report = LoadReport()
    for pack in packs:
        values = _values(pack)
        row = RulePack.objects.filter(key=pack.key).first()
        if row is None:
            RulePack.objects.create(key=pack.key, **values)
            report.added.append(f"{pack.key} {pack.version}")
        elif row.checksum != pack.checksum or not row.active or row.source_file != pack.path:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            report.changed.append(f"{pack.key} {pack.version}")
    if deactivate_missing:
        for row in RulePack.objects.filter(active=True).exclude(key__in=[p.key for p in packs]):
            row.active = False
            row.save(update_fields=["active", "loaded_at"])
            report.deactivated.append(row.key)
    return report
