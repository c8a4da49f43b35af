"""An audio file's cover art (an MP3's APIC frame, an M4A's covr atom) is its poster, as
in Jellyfin and Plex: the grid, the web card and the player show the album, not a note
symbol. A file without one gets no poster step at all, rather than a failed one; a video
carrying cover art still takes its poster from the film."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from mediadesk.domain.enums import ArtifactKind, MediaKind, MediaStatus
from mediadesk.domain.folders import FolderKind, SkipReason
from mediadesk.domain.mediainfo import READ_TAGS
from mediadesk.library.models import Artifact, MediaFile
from tests.media import make_song, run_ffmpeg
from tests.pipeline_support import import_and_wait, jobs_by_type, media_root, stream_of, wait_done
from tests.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def mean_rgb(picture: Path) -> tuple[int, int, int]:
    """The picture's average colour (scaled to one pixel)."""
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(picture),
         "-vf", "scale=1:1:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True, timeout=60,
    ).stdout  # fmt: skip
    return out[0], out[1], out[2]


def ready(rt: Any, path: Path) -> Any:
    media = import_and_wait(rt, path)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    return media


def test_an_audio_file_shows_its_cover_art(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    song = make_song(media_dir, cover="color=c=red:s=400x400")
    plain = make_song(media_dir, "Plain.mp3", cover=None)
    rt = runtime_factory()  # the default pipelines
    media = ready(rt, song)
    assert media.kind == MediaKind.AUDIO  # the cover does not make it a video
    jobs = jobs_by_type(rt, media.id)
    assert {"poster", "audio_hls", "waveform"} <= set(jobs)
    assert all(j.status == "COMPLETED" for j in jobs.values())
    thumbs = media_root(rt) / "thumbnails" / media.id
    poster, thumb = stream_of(thumbs / "poster.jpg"), stream_of(thumbs / "thumb.jpg")
    assert (poster["width"], poster["height"]) == (400, 400)
    assert (thumb["width"], thumb["height"]) == (320, 320)
    red, green, blue = mean_rgb(thumbs / "poster.jpg")
    assert red > 200 and green < 60 and blue < 60  # the cover, not a drawing of sound
    kinds = {a.kind for a in media.artifacts}
    assert {ArtifactKind.POSTER, ArtifactKind.THUMBNAIL} <= kinds

    # Without cover art: Ready, with no poster job (and so no failed one).
    other = ready(rt, plain)
    jobs = jobs_by_type(rt, other.id)
    assert "poster" not in jobs and {"audio_hls", "waveform"} <= set(jobs)
    assert all(j.status == "COMPLETED" for j in jobs.values())


def test_a_video_with_cover_art_takes_its_poster_from_the_film(  # type: ignore[no-untyped-def]
    runtime_factory, media_dir: Path
) -> None:
    film = media_dir / "Film with cover (2020).mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:d=2",
        "-f", "lavfi", "-i", "sine=d=2",
        "-f", "lavfi", "-i", "color=c=red:s=400x400:d=1",
        "-map", "0:v", "-map", "1:a", "-map", "2:v",
        "-c:v:0", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-c:v:1", "mjpeg", "-frames:v:1", "1", "-disposition:v:1", "attached_pic",
        "-shortest", str(film),
    )  # fmt: skip
    rt = runtime_factory(pipeline_video=["probe", "poster"])
    media = ready(rt, film)
    assert media.probe is not None and media.probe.cover is not None
    poster = stream_of(media_root(rt) / "thumbnails" / media.id / "poster.jpg")
    assert (poster["width"], poster["height"]) == (320, 180)


def test_a_song_in_an_album_folder_takes_the_folder_cover(  # type: ignore[no-untyped-def]
    runtime_factory, tmp_path: Path, media_dir: Path
) -> None:
    """Ripped albums keep one cover.jpg (or folder.jpg, front.jpg) for every track; a song
    with art of its own keeps it, and a song copied in alone has no folder to look in."""
    album = tmp_path / "Music" / "Band" / "Album"
    bare = make_song(album, "01 Bare.mp3", cover=None)
    own = make_song(album, "02 Own.mp3", cover="color=c=red:s=300x300")
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=blue:s=500x500:d=1", "-frames:v", "1",
        str(album / "Folder.JPG"),
    )  # fmt: skip
    # A cover.jpg that is a link to a picture elsewhere is not followed (as the scan).
    linked = make_song(
        tmp_path / "Music" / "Linked", "01 Linked.mp3", cover=None, tags={"title": "L"}
    )
    (linked.parent / "cover.jpg").symlink_to(album / "Folder.JPG")
    rt = runtime_factory()
    folder = rt.folders.add(tmp_path / "Music", FolderKind.MIXED)
    rt.folders.scan(folder.id)
    wait_until(lambda: rt.folders.get(folder.id).waiting == 0, "every file read", timeout=120)
    skipped = {f.path: f.reason for f in rt.folders.skipped(folder.id)}
    assert skipped["Band/Album/Folder.JPG"] == SkipReason.ARTWORK  # not a picture of its own
    by_name = {m.original_filename: m for m in rt.library.list_media().items}
    assert set(by_name) == {"01 Bare.mp3", "02 Own.mp3", "01 Linked.mp3"}
    assert "poster" not in jobs_by_type(rt, wait_done(rt, by_name[linked.name].id).id)

    media = wait_done(rt, by_name[bare.name].id)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    poster_job = jobs_by_type(rt, media.id)["poster"]
    assert poster_job.status == "COMPLETED"
    assert poster_job.result["cover_file"] == "Folder.JPG"
    thumbs = media_root(rt) / "thumbnails" / media.id
    poster = stream_of(thumbs / "poster.jpg")
    assert (poster["width"], poster["height"]) == (500, 500)
    red, green, blue = mean_rgb(thumbs / "poster.jpg")
    assert blue > 200 and red < 60 and green < 60

    media = wait_done(rt, by_name[own.name].id)
    assert "cover_file" not in jobs_by_type(rt, media.id)["poster"].result
    red, green, blue = mean_rgb(media_root(rt) / "thumbnails" / media.id / "poster.jpg")
    assert red > 200 and green < 60 and blue < 60  # its own art wins over the folder's

    # The same song dropped on the app is copied alone: no folder, no poster step.
    copied = ready(rt, make_song(media_dir, "Copied.mp3", cover=None, tags={"title": "Alone"}))
    assert copied.id != media.id and copied.original_path is None
    assert "poster" not in jobs_by_type(rt, copied.id)


def test_a_song_read_before_folder_covers_takes_its_cover_when_read_again(  # type: ignore[no-untyped-def]
    runtime_factory, tmp_path: Path
) -> None:
    """A song of an album folder that an older version read got no poster (the folder's
    cover was not looked for then): reading its tags again starts the poster step."""
    album = tmp_path / "Music" / "Band" / "Album"
    bare = make_song(album, "01 Bare.mp3", cover=None, tags={"title": "Bare"})
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=blue:s=200x200:d=1", "-frames:v", "1",
        str(album / "cover.jpg"),
    )  # fmt: skip
    rt = runtime_factory()
    folder = rt.folders.add(tmp_path / "Music", FolderKind.MIXED)
    rt.folders.scan(folder.id)
    wait_until(lambda: rt.folders.get(folder.id).waiting == 0, "every file read", timeout=120)
    (media,) = rt.library.list_media().items
    media = wait_done(rt, media.id)
    assert media.original_filename == bare.name and media.status == MediaStatus.READY
    with rt.db.write() as s:  # as an older version left it: no poster, old tags
        s.execute(
            delete(Artifact).where(
                Artifact.media_file_id == media.id,
                Artifact.kind.in_((ArtifactKind.POSTER, ArtifactKind.THUMBNAIL)),
            )
        )
        s.get(MediaFile, media.id).tags_revision = None

    assert rt.queue_old_tags() == 1
    (read,) = rt.jobs.list_jobs(job_type=READ_TAGS).items
    (read,) = rt.jobs.wait([read.id], timeout=120)
    assert read.result == {"files": 1, "read": 1, "skipped": 0, "covers": 1}
    posters = wait_until(
        lambda: rt.jobs.list_jobs(job_type="poster", media_file_id=media.id).items,
        "a second poster step",
        until=lambda jobs: len(jobs) == 2 and jobs[0].status == "COMPLETED",
        timeout=120,
    )
    assert posters[0].result["cover_file"] == "cover.jpg"
    shown = rt.library.get_media(media.id, detail=True)
    assert ArtifactKind.POSTER in {a.kind for a in shown.artifacts or []}
    assert shown.status == MediaStatus.READY
