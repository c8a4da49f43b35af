"""Catalogue scopes of the media list: what each sidebar node of the app shows."""

from pathlib import Path

import pytest

from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
from mediadesk.services.library import MediaFilter
from tests.media import Clip, make_clip

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_scopes_select_attached_media(runtime, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    def imp(seed: str, target=None):  # type: ignore[no-untyped-def]
        clip = make_clip(media_dir, Clip(duration=0.5, seed=seed))
        return runtime.ingest.import_path(clip, target=target)

    movie = imp("m", MovieTarget("Film"))
    e1 = imp("e1", EpisodeTarget("Show", 1, 1))
    e2 = imp("e2", EpisodeTarget("Show", 2, 1))
    other = imp("o", EpisodeTarget("Other", 1, 1))
    loose = imp("x")

    lib = runtime.library
    (show,) = [s for s in runtime.catalogue.series() if s.title == "Show"]
    season2 = next(s for s in show.seasons if s.number == 2)

    def ids(**kw: object) -> set[str]:
        return set(lib.media_ids(MediaFilter(**kw), limit=100))  # type: ignore[arg-type]

    assert ids(in_movies=True) == {movie.media.id}
    assert ids(movie_id=movie.movie_id) == {movie.media.id}
    assert ids(in_series=True) == {e1.media.id, e2.media.id, other.media.id}
    assert ids(series_id=show.id) == {e1.media.id, e2.media.id}
    assert ids(season_id=season2.id) == {e2.media.id}
    assert ids(episode_id=e1.episode_id) == {e1.media.id}
    assert ids(unattached=True) == {loose.media.id}
    assert lib.count_media(MediaFilter(series_id=show.id)) == 2


def test_ids_filter_checks_membership(runtime, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from mediadesk.domain.enums import MediaKind

    video = runtime.ingest.import_path(make_clip(media_dir, Clip(duration=0.5, seed="v"))).media
    audio = runtime.ingest.import_path(
        make_clip(media_dir, Clip(duration=0.5, video=False, container="m4a"))
    ).media
    lib = runtime.library
    both = (video.id, audio.id, "no-such-id")
    assert set(lib.media_ids(MediaFilter(ids=both))) == {video.id, audio.id}
    assert lib.media_ids(MediaFilter(ids=both, kind=MediaKind.AUDIO)) == [audio.id]
    lib.delete_media(video.id)
    assert lib.media_ids(MediaFilter(ids=both)) == [audio.id]
    assert not MediaFilter(kind=MediaKind.AUDIO).scoped and MediaFilter(in_movies=True).scoped
