"""The job types MediaDesk ships, gathered into one registry."""

from __future__ import annotations

from mediadesk.jobs.registry import JobRegistry


def default_registry() -> JobRegistry:
    # Imported here, not at the top: job types pull in the media engine (numpy,
    # Pillow...), which a process that only reads the library never loads (the
    # desktop app paints its window first; see Runtime.registry).
    from mediadesk.handlers.audio_hls import AudioHlsJob
    from mediadesk.handlers.health_check import HealthCheckJob
    from mediadesk.handlers.hls import HlsJob, PreviewJob
    from mediadesk.handlers.images import ImageVariantsJob
    from mediadesk.handlers.loudness import LoudnessJob
    from mediadesk.handlers.master_audio import MasterAudioJob
    from mediadesk.handlers.noop import NoopJob
    from mediadesk.handlers.poster import PosterJob
    from mediadesk.handlers.probe import ProbeJob
    from mediadesk.handlers.song_tags import ReadTagsJob
    from mediadesk.handlers.subtitles import SubtitlesJob
    from mediadesk.handlers.trickplay import TrickplayJob
    from mediadesk.handlers.waveform import WaveformJob

    registry = JobRegistry()
    for job_type in (
        ProbeJob(),
        ReadTagsJob(),
        PosterJob(),
        HlsJob(),
        PreviewJob(),
        SubtitlesJob(),
        TrickplayJob(),
        AudioHlsJob(),
        WaveformJob(),
        ImageVariantsJob(),
        LoudnessJob(),
        HealthCheckJob(),
        NoopJob(),
    ):
        registry.register(job_type)
    registry.register(MasterAudioJob(registry))
    return registry
