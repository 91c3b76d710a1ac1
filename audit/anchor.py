"""Anchors: the chain's head written where the database cannot rewrite it.

Each anchor is one JSON line (event id, its HMAC, when written) appended to a file beside
the backups, by every `backup_db` and by `anchor_audit` on a schedule. Somebody who cuts
the newest events (with the triggers dropped) leaves a chain that still verifies, but not
one that still holds an anchored event: `verify_audit --anchor FILE` says so.
Keep copies elsewhere (docs/security.md): an anchor is worth what its copy is.
"""

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from config.private_files import opener, private_dir

from .models import AuditEvent


class AnchorError(Exception):
    pass


def default_path() -> Path:
    return Path(
        getattr(settings, "AUDIT_ANCHOR_FILE", "")
        or settings.VAR_DIR / "backups" / "audit-anchors.jsonl"
    )


def head(using: str = "default") -> dict | None:
    event = AuditEvent.objects.using(using).order_by("-pk").values("pk", "hmac", "at").first()
    if event is None:
        return None
    return {"event": event["pk"], "hmac": event["hmac"], "event_at": event["at"].isoformat()}


def write_anchor(path=None, using: str = "default") -> dict | None:
    """Append the chain's head to `path`; None (nothing written) on an empty trail."""
    anchor = head(using)
    if anchor is None:
        return None
    anchor["written_at"] = timezone.now().isoformat()
    path = Path(path or default_path())
    private_dir(path.parent)
    with open(path, "a", encoding="utf-8", opener=opener) as file:
        file.write(json.dumps(anchor, sort_keys=True) + "\n")
    return anchor


def read_anchors(path) -> list[dict]:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorError(f"{path}: cannot be read as an anchor file ({exc}).") from exc
    anchors = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            anchor = json.loads(line)
            if not (isinstance(anchor["event"], int) and isinstance(anchor["hmac"], str)):
                raise TypeError
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"{path}, line {number}: not an anchor.") from exc
        anchors.append(anchor)
    if not anchors:
        raise AnchorError(f"{path}: holds no anchor.")
    return anchors


def anchor_problems(anchors, using: str = "default") -> list[str]:
    problems = []
    stored = dict(
        AuditEvent.objects.using(using)
        .filter(pk__in=[anchor["event"] for anchor in anchors])
        .values_list("pk", "hmac")
    )
    for anchor in anchors:
        when = anchor.get("written_at", "?")
        if anchor["event"] not in stored:
            problems.append(
                f"Anchor written {when} names event {anchor['event']}, which the trail no "
                "longer holds: its newest events were cut."
            )
        elif stored[anchor["event"]] != anchor["hmac"]:
            problems.append(
                f"Anchor written {when}: event {anchor['event']} differs from the anchored "
                "one: the trail was rewritten from there."
            )
    return problems
