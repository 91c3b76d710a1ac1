"""A per-process store of at most `size` entries, the oldest dropped first.

What the note pages keep between requests in one server process (catalog snapshots,
built form fields, compiled field markup) is keyed by content, so an entry is never
stale; the bound only limits a process that sees many distinct keys.
"""

from collections import OrderedDict


class BoundedStore(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def keep(self, key, value):
        """Store `value` under `key`, drop the oldest entries beyond `size`; give `value`."""
        self[key] = value
        while len(self) > self.size:
            self.popitem(last=False)
        return value
