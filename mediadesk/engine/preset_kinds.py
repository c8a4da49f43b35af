"""Every preset kind and the model that validates it.

A module that defines a new preset model adds one line here; ``engine/presets.py``
reads this table on first use.
"""

from __future__ import annotations

from mediadesk.engine.audio.preset import KIND as AUDIO_MASTER_KIND
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.images import ImageVariantsPreset
from mediadesk.engine.preset_base import PresetBase
from mediadesk.engine.trickplay import TrickplayPreset
from mediadesk.engine.waveform import WaveformPreset

KINDS: dict[str, type[PresetBase]] = {
    "hls_ladder": LadderPreset,
    "audio_hls": AudioHlsPreset,
    "trickplay": TrickplayPreset,
    "waveform": WaveformPreset,
    "image_variants": ImageVariantsPreset,
    AUDIO_MASTER_KIND: AudioMasterPreset,
}
