"""Registers every preset model with ``mediadesk.presets`` (imported lazily by it).

Each engine module that defines a preset kind adds one ``register_kind`` line here.
"""

from __future__ import annotations
