"""The one playback answer (services.playback_plan) the web page, API and player share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mediadesk.domain.enums import ArtifactKind
from mediadesk.library.views import ArtifactView, MediaFileView
from mediadesk.services.playback_plan import plan_playback


class Urls:
    """Every key is reachable except those listed; the master only when ``published``."""

    def __init__(self, published: bool = True, unreachable: tuple[str, ...] = ()) -> None:
        self.published = published
        self.unreachable = unreachable

    def stream(self, media_id: str) -> str | None:
        return f"http://x/hls/{media_id}/master.m3u8" if self.published else None

    def original(self, media: MediaFileView) -> str | None:
        return f"http://x/original/{media.id}"

    def key(self, key: str) -> str | None:
        return None if key in self.unreachable else f"http://x/{key}"


def artifact(kind: ArtifactKind, key: str, **params: Any) -> ArtifactView:
    return ArtifactView.model_construct(
        kind=kind, storage_key=key, size_bytes=1, preset_id=None, preset_version=None,
        params=params, job_id=None, created_at=datetime.now(UTC),
    )  # fmt: skip


def media(*artifacts: ArtifactView) -> MediaFileView:
    return MediaFileView.model_construct(id="m1", artifacts=list(artifacts))


def subtitle(n: int, label: str, **params: Any) -> ArtifactView:
    key = f"hls/m1/subtitles_{n}/index.m3u8"
    vtt = f"hls/m1/subtitles_{n}/all.vtt"
    return artifact(ArtifactKind.SUBTITLES, key, vtt=vtt, label=label, **params)


def test_the_original_plays_until_the_master_is_recorded_and_there() -> None:
    recorded = media(artifact(ArtifactKind.HLS_MASTER, "hls/m1/master.m3u8"))
    assert plan_playback(media(), Urls()).preferred_url == "http://x/original/m1"
    assert not plan_playback(media(), Urls()).adaptive  # stored but not recorded
    assert not plan_playback(recorded, Urls(published=False)).adaptive  # recorded, gone
    plan = plan_playback(recorded, Urls())
    assert plan.adaptive and plan.preferred_url == "http://x/hls/m1/master.m3u8"
    assert plan.original_url == "http://x/original/m1"


def test_subtitles_in_the_order_they_were_added_then_burned_versions() -> None:
    view = media(
        artifact(ArtifactKind.HLS_MASTER, "hls/m1/master.m3u8"),
        artifact(ArtifactKind.BURNED_SUBTITLES, "hls/m1/master.burned_1.m3u8", label="Deutsch"),
        subtitle(10, "Suomi"),
        subtitle(2, "English", language="en", default=True),
        subtitle(3, "Français (forced)", language="fr", forced=True),
        artifact(ArtifactKind.CHAPTERS, "hls/m1/chapters.vtt"),
    )
    plan = plan_playback(view, Urls())
    assert [t.label for t in plan.subtitles] == ["English", "Français (forced)", "Suomi"]
    english, french, _ = plan.subtitles
    assert english.default and english.language == "en" and not english.forced
    assert french.forced and not french.default
    assert english.url == "http://x/hls/m1/subtitles_2/all.vtt"
    [burned] = plan.burned
    assert burned.burned_in and burned.url == "http://x/hls/m1/master.burned_1.m3u8"
    assert not burned.default
    assert plan.chapters_url == "http://x/hls/m1/chapters.vtt"


def test_tracks_come_with_the_stream_and_only_when_reachable() -> None:
    tracks = (subtitle(1, "English"), artifact(ArtifactKind.CHAPTERS, "hls/m1/chapters.vtt"))
    before = plan_playback(media(*tracks), Urls())  # no master yet: the original, bare
    assert before.subtitles == () and before.chapters_url is None
    view = media(artifact(ArtifactKind.HLS_MASTER, "hls/m1/master.m3u8"), *tracks)
    gone = plan_playback(view, Urls(unreachable=("hls/m1/subtitles_1/all.vtt",)))
    assert gone.subtitles == () and gone.chapters_url is not None
