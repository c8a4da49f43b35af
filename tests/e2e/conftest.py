"""Fixtures shared by the real-client tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from mediadesk.server.host import ServerHost
from tests.conftest import FAST
from tests.media import ffmpeg_available
from tests.serverkit import serving, wait_media
from tests.tracks_media import multi_audio_mkv, with_sidecars


@pytest.fixture(scope="module")
def tracks_film(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerHost, str]]:
    """A served many-track film (four audio languages and roles plus 5.1, embedded and
    sidecar subtitles incl. a forced one, chapters, trickplay) imported as people do:
    the server and its media file id."""
    if not ffmpeg_available():
        pytest.fail("ffmpeg is not installed (make setup-test installs it)")
    home = tmp_path_factory.mktemp("tracks-home")
    source = multi_audio_mkv(tmp_path_factory.mktemp("tracks-media"), duration=8.0)
    movie = source.with_name("Film.mkv")
    shutil.copyfile(source, movie)
    with_sidecars(movie)
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith("MEDIADESK_"):
                mp.delenv(key)
        mp.setenv("MEDIADESK_HOME", str(home))
        from mediadesk.settings import load_settings

        with serving(load_settings({**FAST, "server_port": 0})) as host:
            state = host.state
            assert state is not None
            media_id = state.runtime.ingest.import_path(movie).media.id
            assert wait_media(host, media_id)["status"] == "READY"
            yield host, media_id
