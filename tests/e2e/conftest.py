"""Fixtures shared by the real-client tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from mediadesk.server.host import ServerHost
from tests.serverkit import import_ready, serving_home
from tests.tracks_media import multi_audio_mkv, with_sidecars


@pytest.fixture(scope="module")
def tracks_film(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerHost, str]]:
    """A served many-track film (four audio languages and roles plus 5.1, embedded and
    sidecar subtitles incl. a forced one, chapters, trickplay) imported as people do:
    the server and its media file id."""
    source = multi_audio_mkv(tmp_path_factory.mktemp("tracks-media"), duration=8.0)
    movie = source.with_name("Film.mkv")
    shutil.copyfile(source, movie)
    with_sidecars(movie)
    with serving_home(tmp_path_factory.mktemp("tracks-home")) as host:
        yield host, import_ready(host, movie)
