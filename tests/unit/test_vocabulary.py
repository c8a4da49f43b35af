"""Every state, job type and output kind has people's words (one vocabulary): a kind
added without its words crashed `library stats` and read as an id elsewhere."""

from __future__ import annotations

from typing import get_args

from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import ArtifactKind, JobStatus, MediaKind, MediaStatus
from mediadesk.domain.folders import TEXT_SUBTITLE_EXTENSIONS, FolderKind
from mediadesk.engine.subtitle_files import FORMATS
from mediadesk.handlers import default_registry
from mediadesk.settings import EncoderChoice


def test_every_output_kind_has_words() -> None:
    assert set(ArtifactKind) - set(words.OUTPUT_KIND) == set()
    for kind in ArtifactKind:
        label = words.output_kind(str(kind))
        assert label and "_" not in label


def test_every_job_type_has_words() -> None:
    names = set(default_registry().names())
    assert names - set(words.JOB_TYPE) == set()


def test_the_subtitle_files_offered_are_the_ones_read() -> None:
    """The web page's picker and drop check come from this table; the scan and the
    converter read these extensions."""
    assert set(words.SUBTITLE_FILE) == set(TEXT_SUBTITLE_EXTENSIONS) == set(FORMATS)
    assert words.vocabulary()["subtitle_file"] == words.SUBTITLE_FILE


def test_every_state_and_kind_has_words() -> None:
    assert set(MediaStatus) - set(words.MEDIA_STATUS) == set()
    assert set(JobStatus) - set(words.JOB_STATUS) == set()
    assert set(MediaKind) - set(words.MEDIA_KIND) == set()
    assert set(FolderKind) - set(words.FOLDER_KIND) == set()


def test_episode_names_read_alike_on_the_web_cards_and_in_the_sidebar() -> None:
    from mediadesk.domain.catalogue import episode_code, episode_label

    assert episode_label(3) == "Episode 3"
    assert episode_label(2, 3) == "Episode 2-3"
    assert episode_label(2, 2) == "Episode 2"
    assert episode_label(2, 3, "Two Parts") == "Two Parts"
    assert episode_code(1, 2, 3) == "S01E02-E03"


def test_counts_read_with_their_noun() -> None:
    assert words.counted(1, "file") == "1 file"
    assert words.counted(0, "file") == "0 files"
    assert words.counted(2, "finished job") == "2 finished jobs"
    assert words.counted(3, "series", "series") == "3 series"


def test_the_ladder_line_says_the_audio_is_in_it() -> None:
    assert words.ladder_summary(None, None) == "No streaming versions yet."
    assert words.ladder_summary(1024**3, None) == (
        "All streaming versions with their audio: 1.0 GiB per hour."
    )
    assert words.ladder_summary(1024**3, 2 * 1024**3).endswith("(budget 2.0 GiB per hour).")


def test_every_encoder_choice_and_attempt_outcome_has_words() -> None:
    assert set(get_args(EncoderChoice)) == set(words.ENCODER)
    outcomes = {"SUCCEEDED", "FAILED", "CANCELLED", "INTERRUPTED"}  # jobs.store writes these
    assert {words.attempt_outcome(o) for o in outcomes} == {
        "Done",
        "Failed",
        "Cancelled",
        "Interrupted",
    }
    assert words.attempt_outcome(None) == words.job_status("PROCESSING") == "Running"


def test_what_a_player_plays_says_why_it_is_the_original() -> None:
    assert words.playing(True, "READY") == "Stream"
    assert words.playing(False, "PROCESSING") == "Original file (the stream is not ready yet)"
    assert words.playing(False, "FAILED").startswith("Original file (the stream could not")


def test_codecs_read_as_people_know_them() -> None:
    # The web page reads the same table (GET /api/v1/vocabulary), so every name is listed.
    assert words.codec_name("h264") == "H.264" and words.codec_name("ac3") == "Dolby Digital"
    assert words.codec_name("pcm_s24le") == "PCM" and words.vocabulary()["codec"]["aac"] == "AAC"
    assert words.codec_name("cinepak") == "cinepak" and words.codec_name(None) == ""


def test_a_file_missing_or_damaged_says_so_before_how_far_processing_got() -> None:
    assert words.media_state_code("READY") == "READY"
    assert words.media_state_code("READY", damaged=True) == "DAMAGED"
    assert words.media_state_code("READY", missing=True, damaged=True) == "MISSING"
    assert [words.media_status(c) for c in ("MISSING", "DAMAGED", "UPLOADED")] == [
        "Missing",
        "Damaged",
        "Waiting",
    ]
    served = words.vocabulary()["media_status"]  # the web page reads these
    assert served["MISSING"] == "Missing" and served["READY"] == "Ready"


def test_where_a_folder_file_is_in_one_sentence() -> None:
    assert words.where_words(None, missing=False) == ""  # kept in MediaDesk's storage
    assert words.where_words("/m/A.mkv", missing=False).startswith("/m/A.mkv (in a library")
    assert words.where_words("/m/A.mkv", missing=True).startswith("Missing from /m/A.mkv")
    assert words.vocabulary()["where"]["missing"].count("{path}") == 1  # the web fills it


def test_a_song_is_played_and_a_film_watched() -> None:
    assert words.finished("audio") == "played"
    assert words.finished("video") == "watched"
    assert words.finished("audio", "video") == "watched"  # a mixed selection
    assert words.finished("image") == "watched"
    assert words.vocabulary()["finished"] == {"video": "watched", "audio": "played"}
