"""Sidecar subtitles in library folders (issue 12 item 4, issue 13 item 2): recorded with
their video at intake, so the first HLS carries them; a subtitle added, changed or
removed beside a known video later is picked up by the next scan or watch event and
the HLS is updated by a ``subtitles`` job, without encoding the video again. The
library folder is only ever read."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import JobStatus, MediaStatus
from mediadesk.domain.folders import FolderKind, SkipReason
from mediadesk.engine.hls.subtitles import parse_vtt
from mediadesk.library.views import MediaFileView
from tests.media import Clip, make_clip
from tests.pipeline_support import _attributes as attributes
from tests.pipeline_support import master_variants, media_root
from tests.tracks_media import ASS_FR, SIDECAR_EN, SRT_EN
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

FILM = "Movies/Film (2020)/Film (2020).mkv"
EPISODE = "TV/Show/Season 01/Show - S01E01.mkv"
SIDECAR_DE = "1\n00:00:00,400 --> 00:00:01,200\nGuten Tag\n"
SIDECAR_EN_FIXED = "1\r\n00:00:01,000 --> 00:00:02,000\r\nA crème brûlée, please\r\n"
# Reading files and the catalogue are what is tested: the pipeline stops at the probe.
LIGHT = {"pipeline_video": ["probe"], "pipeline_audio": ["probe"], "pipeline_image": ["probe"]}


def kodi_tree(root: Path, cache: Path) -> dict[str, Path]:
    """A movie with an English SRT in Windows-1252 and a forced French ASS beside it,
    and an episode with an English SRT."""
    film = root / FILM
    episode = root / EPISODE
    for path, seed in ((film, "film"), (episode, "episode")):
        path.parent.mkdir(parents=True, exist_ok=True)
        clip = make_clip(cache, Clip(duration=3.0, seed=f"folder-subs-{seed}"), f"{seed}.mkv")
        path.write_bytes(clip.read_bytes())
    film.with_name("Film (2020).en.srt").write_bytes(SIDECAR_EN.encode("cp1252"))
    film.with_name("Film (2020).fr.forced.ass").write_text(ASS_FR, "utf-8")
    episode.with_name("Show - S01E01.en.srt").write_text(SRT_EN, "utf-8")
    return {"film": film, "episode": episode}


def tree_state(root: Path) -> dict[str, tuple[str, int]]:
    """Every file of the library folder: its content and mtime (never touched by us)."""
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def media_at(rt: Any, path: Path) -> MediaFileView:
    (media,) = [m for m in rt.library.list_media().items if m.original_path == str(path)]
    return rt.library.get_media(media.id)


def sidecars(rt: Any, path: Path) -> list[tuple[str, str | None, bool, str, str]]:
    view = media_at(rt, path)
    return sorted(
        (f.original_filename, f.language, f.forced, f.charset, f.format)
        for f in view.subtitle_files or []
    )


def scan_and_read(rt: Any, folder_id: str) -> None:
    rt.folders.scan(folder_id)
    wait_until(lambda: rt.folders.get(folder_id).waiting == 0, "every file read", timeout=120)


def scanned_tree(
    runtime_factory: Any, tmp_path: Path, media_dir: Path, **settings: Any
) -> tuple[Any, Any, dict[str, Path]]:
    """The Kodi tree in a library folder, scanned and read: runtime, folder, videos."""
    root = tmp_path / "lib"
    videos = kodi_tree(root, media_dir)
    rt = runtime_factory(**(settings or LIGHT))
    folder = rt.folders.add(root, FolderKind.MIXED)
    scan_and_read(rt, folder.id)
    return rt, folder, videos


def jobs_of(rt: Any, media_id: str, job_type: str) -> list[Any]:
    return rt.jobs.list_jobs(media_file_id=media_id, job_type=job_type, limit=100).items


def test_sidecar_subtitles_are_recorded_at_intake_and_follow_the_disk(
    runtime_factory: Any, tmp_path: Path, media_dir: Path, ffmpeg: None
) -> None:
    rt, folder, videos = scanned_tree(runtime_factory, tmp_path, media_dir)
    root = tmp_path / "lib"
    film = videos["film"]
    assert sidecars(rt, film) == [
        ("Film (2020).en.srt", "en", False, "cp1252", "srt"),
        ("Film (2020).fr.forced.ass", "fr", True, "utf-8", "ass"),
    ]
    assert sidecars(rt, videos["episode"]) == [
        ("Show - S01E01.en.srt", "en", False, "utf-8", "srt")
    ]
    film_id = media_at(rt, film).id
    # Recorded with the video: no separate subtitles job was needed.
    assert jobs_of(rt, film_id, "subtitles") == []
    # Stored as UTF-8, decoded from Windows-1252.
    english = next(f for f in media_at(rt, film).subtitle_files or [] if f.language == "en")
    stored = media_root(rt) / english.storage_key
    assert "A café, please" in stored.read_text("utf-8")
    # Still listed among the skipped files, as subtitles of their video.
    skipped = {f.path: f for f in rt.folders.skipped(folder.id)}
    listed = skipped["Movies/Film (2020)/Film (2020).en.srt"]
    assert listed.reason == SkipReason.SUBTITLES
    assert listed.reason_words == "Subtitles (kept with their video)"
    before = tree_state(root)

    # A rescan with nothing changed reads no subtitle and changes nothing.
    scan_and_read(rt, folder.id)
    assert jobs_of(rt, film_id, "subtitles") == []

    # A new German subtitle: added, with a subtitles job for the HLS.
    german = film.with_name("Film (2020).de.srt")
    german.write_text(SIDECAR_DE, "utf-8")
    scan_and_read(rt, folder.id)
    assert ("Film (2020).de.srt", "de", False, "utf-8", "srt") in sidecars(rt, film)
    assert len(jobs_of(rt, film_id, "subtitles")) == 1

    # The English one rewritten: its row is replaced (new text, same flags).
    old_key = english.storage_key
    film.with_name("Film (2020).en.srt").write_bytes(SIDECAR_EN_FIXED.encode("cp1252"))
    scan_and_read(rt, folder.id)
    english = next(f for f in media_at(rt, film).subtitle_files or [] if f.language == "en")
    assert english.storage_key != old_key and not (media_root(rt) / old_key).exists()
    assert "crème brûlée" in (media_root(rt) / english.storage_key).read_text("utf-8")
    assert len(jobs_of(rt, film_id, "subtitles")) == 2

    # The German one deleted: its row and stored copy go.
    german_key = next(
        f.storage_key for f in media_at(rt, film).subtitle_files or [] if f.language == "de"
    )
    german.unlink()
    scan_and_read(rt, folder.id)
    assert [f[0] for f in sidecars(rt, film)] == [
        "Film (2020).en.srt",
        "Film (2020).fr.forced.ass",
    ]
    assert not (media_root(rt) / german_key).exists()
    assert len(jobs_of(rt, film_id, "subtitles")) == 3
    # The episode was never concerned; nothing in the folder was written by us.
    assert jobs_of(rt, media_at(rt, videos["episode"]).id, "subtitles") == []
    after = tree_state(root)
    changed = {"Movies/Film (2020)/Film (2020).en.srt"}
    assert {k: v for k, v in after.items() if k not in changed} == {
        k: v for k, v in before.items() if k not in changed
    }


def test_a_video_renamed_in_place_takes_the_subtitles_of_its_new_name(
    runtime_factory: Any, tmp_path: Path, media_dir: Path, ffmpeg: None
) -> None:
    rt, folder, videos = scanned_tree(runtime_factory, tmp_path, media_dir)
    episode = videos["episode"]
    media_id = media_at(rt, episode).id
    renamed = episode.with_name("Show - S01E01 - Pilot.mkv")
    episode.rename(renamed)  # its subtitle keeps the old name: no longer its sidecar
    scan_and_read(rt, folder.id)
    view = media_at(rt, renamed)
    assert view.id == media_id and view.subtitle_files == []
    # ... until it is renamed too.
    episode.with_name("Show - S01E01.en.srt").rename(
        renamed.with_name("Show - S01E01 - Pilot.en.srt")
    )
    scan_and_read(rt, folder.id)
    assert sidecars(rt, renamed) == [("Show - S01E01 - Pilot.en.srt", "en", False, "utf-8", "srt")]


def test_a_video_copied_elsewhere_goes_with_the_subtitles_beside_it_there(
    runtime_factory: Any, tmp_path: Path, media_dir: Path, ffmpeg: None
) -> None:
    rt, folder, videos = scanned_tree(runtime_factory, tmp_path, media_dir)
    root = tmp_path / "lib"
    film = videos["film"]
    media_id = media_at(rt, film).id
    # Copied (a new inode: known by its content only) with its English subtitle alone,
    # then the old folder deleted, as a file manager's move across disks does.
    new_dir = root / "Movies" / "Film (2020) [moved]"
    new_dir.mkdir()
    moved = new_dir / film.name
    moved.write_bytes(film.read_bytes())
    (new_dir / "Film (2020).en.srt").write_bytes(SIDECAR_EN.encode("cp1252"))
    for path in sorted(film.parent.iterdir()):
        path.unlink()
    film.parent.rmdir()
    scan_and_read(rt, folder.id)
    view = media_at(rt, moved)
    assert view.id == media_id
    assert sidecars(rt, moved) == [("Film (2020).en.srt", "en", False, "cp1252", "srt")]


def test_a_watched_folder_picks_up_a_new_and_a_removed_subtitle(
    runtime_factory: Any, tmp_path: Path, media_dir: Path, ffmpeg: None
) -> None:
    root = tmp_path / "lib"
    videos = kodi_tree(root, media_dir)
    rt = runtime_factory(**LIGHT, folder_settle_seconds=1.0)
    folder = rt.folders.add(root, FolderKind.MIXED, watch=True, watch_mode="notify")
    rt.start_watching()
    film = videos["film"]
    wait_until(
        lambda: [m for m in rt.library.list_media().items if m.sha256],
        "the watcher's first scan read both videos",
        until=lambda read: len(read) == 2,
    )
    assert rt.folders.get(folder.id).watch
    german = film.with_name("Film (2020).de.srt")
    german.write_text(SIDECAR_DE, "utf-8")
    wait_until(
        lambda: [f[1] for f in sidecars(rt, film)],
        "the German subtitle recorded",
        until=lambda langs: langs == ["de", "en", "fr"],
    )
    german.unlink()
    wait_until(
        lambda: [f[1] for f in sidecars(rt, film)],
        "the German subtitle removed",
        until=lambda langs: langs == ["en", "fr"],
    )
    assert len(jobs_of(rt, media_at(rt, film).id, "subtitles")) == 2


def test_every_version_of_a_movie_gets_the_movies_subtitles(
    runtime_factory: Any, tmp_path: Path, media_dir: Path, ffmpeg: None
) -> None:
    """``Film (2019).en.srt`` beside ``Film (2019) - 1080p.mkv`` and ``- 720p.mkv``:
    both versions show it, at intake and when one appears later; a version's own
    ``Film (2019) - 720p.en.srt`` takes its place for that version."""
    root = tmp_path / "lib"
    folder_dir = root / "Movies" / "Film (2019)"
    folder_dir.mkdir(parents=True)
    hd, sd = folder_dir / "Film (2019) - 1080p.mkv", folder_dir / "Film (2019) - 720p.mkv"
    for path in (hd, sd):
        clip = make_clip(media_dir, Clip(duration=3.0, seed=path.stem), f"{path.stem}.mkv")
        path.write_bytes(clip.read_bytes())
    (folder_dir / "Film (2019).en.srt").write_text(SRT_EN, "utf-8")
    (folder_dir / "Film (2019) - 720p.en.srt").write_text(SRT_EN, "utf-8")
    rt = runtime_factory(**LIGHT)
    folder = rt.folders.add(root, FolderKind.MOVIES)
    scan_and_read(rt, folder.id)
    assert [f[0] for f in sidecars(rt, hd)] == ["Film (2019).en.srt"]
    assert [f[0] for f in sidecars(rt, sd)] == ["Film (2019) - 720p.en.srt"]
    hd_view, sd_view = media_at(rt, hd), media_at(rt, sd)
    assert hd_view.catalogue is not None and sd_view.catalogue is not None
    assert hd_view.catalogue.movie_id == sd_view.catalogue.movie_id  # one movie

    (folder_dir / "Film (2019).de.srt").write_text(SIDECAR_DE, "utf-8")
    scan_and_read(rt, folder.id)
    assert [f[1] for f in sidecars(rt, hd)] == ["de", "en"]
    assert [f[0] for f in sidecars(rt, sd)] == ["Film (2019) - 720p.en.srt", "Film (2019).de.srt"]
    assert len(jobs_of(rt, hd_view.id, "subtitles")) == 1
    assert len(jobs_of(rt, sd_view.id, "subtitles")) == 1


# --- the real pipeline ----------------------------------------------------------------


def subtitle_entries(master: Path) -> list[dict[str, str]]:
    return [
        dict(attributes(line.split(":", 1)[1]))
        for line in master.read_text("utf-8").splitlines()
        if line.startswith("#EXT-X-MEDIA:") and "TYPE=SUBTITLES" in line
    ]


def texts(out: Path, entry: dict[str, str]) -> list[str]:
    rendition = out / entry["URI"].split("/")[0]
    return [c.text for c in parse_vtt((rendition / "all.vtt").read_text("utf-8"))]


def renditions(out: Path) -> list[tuple[str, str, str, list[str]]]:
    """(NAME, LANGUAGE, FORCED, the cues' text) of every subtitle rendition."""
    return [
        (e["NAME"], e["LANGUAGE"], e["FORCED"], texts(out, e))
        for e in subtitle_entries(out / "master.m3u8")
    ]


def encoded_segments(out: Path) -> dict[str, str]:
    """The video and audio segments (what an encode writes)."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.glob("*/*"))
        if p.suffix in (".ts", ".m4s", ".mp4")
    }


def completed(rt: Any, media_id: str, job_type: str, count: int) -> list[Any]:
    def done() -> list[Any]:
        jobs = jobs_of(rt, media_id, job_type)
        failed = [j for j in jobs if j.status in (JobStatus.FAILED, JobStatus.DEAD)]
        assert not failed, [(j.error_code, j.error_message) for j in failed]
        return [j for j in jobs if j.status == JobStatus.COMPLETED]

    return wait_until(
        done, f"{count} {job_type} job(s) done", until=lambda j: len(j) == count, timeout=180
    )


@pytest.mark.slow
def test_library_folder_subtitles_become_renditions_and_follow_the_disk(
    runtime_factory: Any, tmp_path: Path, media_dir: Path, ffmpeg: None
) -> None:
    rt, folder, videos = scanned_tree(
        runtime_factory, tmp_path, media_dir, pipeline_video=["probe", "hls"]
    )
    film, episode = media_at(rt, videos["film"]), media_at(rt, videos["episode"])
    for media in (film, episode):
        status = wait_until(
            lambda m=media: rt.library.get_media(m.id, detail=False).status,
            f"{media.original_filename} streams",
            until=lambda s: s in (MediaStatus.READY, MediaStatus.FAILED),
            timeout=240,
        )
        assert status == MediaStatus.READY, rt.library.get_media(media.id).error_message

    # The first HLS carries the sidecars, with their language and forced flag.
    out = media_root(rt) / "hls" / film.id
    assert renditions(out) == [
        ("English", "en", "NO", ["A café, please"]),
        ("Français (forced)", "fr", "YES", ["Bonjour <i>à tous</i>", "Au revoir"]),
    ]
    assert all(v.get("SUBTITLES") == "subs" for v in master_variants(out / "master.m3u8"))
    episode_out = media_root(rt) / "hls" / episode.id
    assert renditions(episode_out) == [("English", "en", "NO", ["Hello there", "Second line"])]
    assert jobs_of(rt, film.id, "subtitles") == []
    segments = encoded_segments(out)
    assert segments

    # A German subtitle appears: a German rendition, nothing encoded again.
    german = videos["film"].with_name("Film (2020).de.srt")
    german.write_text(SIDECAR_DE, "utf-8")
    rt.folders.scan(folder.id)
    completed(rt, film.id, "subtitles", 1)
    assert renditions(out) == [
        ("English", "en", "NO", ["A café, please"]),
        ("Français (forced)", "fr", "YES", ["Bonjour <i>à tous</i>", "Au revoir"]),
        ("Deutsch", "de", "NO", ["Guten Tag"]),
    ]
    assert len(jobs_of(rt, film.id, "hls")) == 1
    assert encoded_segments(out) == segments
    german_dir = out / subtitle_entries(out / "master.m3u8")[2]["URI"].split("/")[0]
    assert german_dir.is_dir()

    # It goes away: so does its rendition, again without an encode.
    german.unlink()
    rt.folders.scan(folder.id)
    completed(rt, film.id, "subtitles", 2)
    assert [r[1] for r in renditions(out)] == ["en", "fr"]
    assert not german_dir.exists()
    assert len(jobs_of(rt, film.id, "hls")) == 1
    assert encoded_segments(out) == segments
    assert jobs_of(rt, episode.id, "subtitles") == []
