"""What the catalog tells the apps above it. procedures sits below them (tests/test_layers.py),
so it cannot call them; they listen instead."""

from django.dispatch import Signal

# Sent at the end of every catalog load, inside its transaction (sender: the loader module).
catalog_loaded = Signal()
