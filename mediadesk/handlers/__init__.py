"""Job types that do media work, and the registry of all of them."""

from __future__ import annotations

from mediadesk.handlers.audio_hls import AudioHlsJob
from mediadesk.handlers.hls import HlsJob, PreviewJob
from mediadesk.handlers.images import ImageVariantsJob
from mediadesk.handlers.loudness import LoudnessJob
from mediadesk.handlers.master_audio import MasterAudioJob
from mediadesk.handlers.noop import NoopJob
from mediadesk.handlers.poster import PosterJob
from mediadesk.handlers.probe import ProbeJob
from mediadesk.handlers.trickplay import TrickplayJob
from mediadesk.handlers.waveform import WaveformJob
from mediadesk.jobs.registry import JobRegistry


def default_registry() -> JobRegistry:
    registry = JobRegistry()
    for job_type in (
        ProbeJob(),
        PosterJob(),
        HlsJob(),
        PreviewJob(),
        TrickplayJob(),
        AudioHlsJob(),
        WaveformJob(),
        ImageVariantsJob(),
        LoudnessJob(),
        NoopJob(),
    ):
        registry.register(job_type)
    registry.register(MasterAudioJob(registry))
    return registry
