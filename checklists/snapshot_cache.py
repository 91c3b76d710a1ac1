"""The catalog snapshots' definitions, kept per server process by their SHA-256.

A note page reads its note's snapshot: about 50 kB of JSON, decoded on every request
(about 0.5 ms of a note form's CPU, with the join). A snapshot never changes once written
(`CatalogSnapshot.save` refuses, and so do the database triggers), and its SHA-256 is of
its content, so the bytes kept under a SHA-256 can never be stale.

Nothing is shared between callers: each call decodes the kept bytes into new dicts and
lists (orjson, about a fifth of the database read and JSON decode), so a caller that
changes what it got changes its own copy only, as with a row read from the database.
"""

import orjson

from .bounded_store import BoundedStore

# Distinct snapshots are few (one per combination of codes and catalog version in use);
# the cap only bounds a process that sees many.
_kept = BoundedStore(256)


def definitions(snapshot) -> dict:
    """The definitions of `snapshot` (a CatalogSnapshot whose `definitions` may be
    deferred): new objects on every call."""
    kept = _kept.get(snapshot.sha256)
    if kept is None:
        from .models import CatalogSnapshot

        fresh = CatalogSnapshot.objects.values_list("definitions", flat=True).get(pk=snapshot.pk)
        if CatalogSnapshot.digest(fresh) != snapshot.sha256:
            return fresh  # not what its SHA-256 says (verify_audit reports it): never kept
        kept = _kept.keep(snapshot.sha256, orjson.dumps(fresh))
    return orjson.loads(kept)


def forget_all():
    _kept.clear()
