"""Registers every preset model with ``mediadesk.presets`` (imported lazily by it).

Each engine module that defines a preset kind adds one ``register_kind`` line here.
"""

from __future__ import annotations

from mediadesk.engine.audio.preset import KIND as AUDIO_MASTER_KIND
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.images import ImageVariantsPreset
from mediadesk.engine.trickplay import TrickplayPreset
from mediadesk.engine.waveform import WaveformPreset
from mediadesk.presets import register_kind

register_kind("hls_ladder", LadderPreset)
register_kind("audio_hls", AudioHlsPreset)
register_kind("trickplay", TrickplayPreset)
register_kind("waveform", WaveformPreset)
register_kind("image_variants", ImageVariantsPreset)
register_kind(AUDIO_MASTER_KIND, AudioMasterPreset)
