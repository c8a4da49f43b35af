"""Registers every preset model with ``mediadesk.presets`` (imported lazily by it).

Each engine module that defines a preset kind adds one ``register_kind`` line here.
"""

from __future__ import annotations

from mediadesk.engine.audio.preset import KIND as AUDIO_MASTER_KIND
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.presets import register_kind

register_kind(AUDIO_MASTER_KIND, AudioMasterPreset)
