"""What a list of paths to import means (a drop on the app, ``mediadesk import``)."""

from __future__ import annotations

from pathlib import Path

from mediadesk.services.import_paths import expand_paths


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_a_release_folder_is_its_film_and_its_extras_are_left_out(tmp_path: Path) -> None:
    release = tmp_path / "Heat.1995.1080p"
    film = touch(release / "Heat.1995.1080p.mkv")
    extra = touch(release / "Featurettes" / "Making of.mp4")
    for name in ("Heat.1995.1080p.en.srt", "movie.nfo", "poster.jpg", "fanart.jpg",
                 "Heat.1995.1080p.mkv.part", ".DS_Store", "Sample/heat-sample.mkv",
                 "@eaDir/thumb.jpg", "notes.txt"):  # fmt: skip
        touch(release / name)
    found = expand_paths([release])
    assert found.files == [film, extra]  # a folder's own files first, then its subfolders'
    assert found.left_out == 7  # hidden files and the NAS's own folder go unsaid
    assert not found.truncated


def test_named_files_are_taken_as_given_once_and_in_order(tmp_path: Path) -> None:
    b, a = touch(tmp_path / "b.mp4"), touch(tmp_path / "a.mp4")
    notes = touch(tmp_path / "notes.txt")  # named: its import says it is not media
    srt = touch(tmp_path / "b.en.srt")  # named beside its video: read with it
    gone = tmp_path / "gone.mp4"  # its import says so, naming it
    found = expand_paths([b, a, notes, srt, gone, tmp_path / "." / "a.mp4"])
    assert found.files == [b, a, notes, gone]
    assert found.left_out == 1


def test_a_limit_stops_a_drop_of_a_whole_disk(tmp_path: Path) -> None:
    for i in range(5):
        touch(tmp_path / "d" / f"{i}.mp4")
    found = expand_paths([tmp_path / "d"], limit=3)
    assert len(found.files) == 3 and found.truncated
