"""Picture subtitles (VobSub from a DVD rip) burned into a version of their own by the
ladder preset: its own master with one rung and the same audio, the subtitle really in
its picture, nothing burned into the main ladder, and the playback API offering it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.pipeline_support import ffprobe, master_variants, playlist_durations
from tests.serverkit import TERMINAL, auth, serving, upload, wait_media
from tests.tracks_media import SUBPICTURE_BOX, SUBPICTURE_SHOWN, picture_subtitles_mkv
from tests.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.integration]

WIDTH, HEIGHT, RATE = 320, 240, 25


@pytest.fixture(scope="session")
def vobsub_source(ffmpeg: None, media_dir: Path) -> Path:
    return picture_subtitles_mkv(media_dir)


def gray_frames(playlist: Path, height: int = HEIGHT) -> list[bytes]:
    """Every frame of a rendition, 8-bit luma, in order."""
    out = subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-i", str(playlist), "-fps_mode", "passthrough"),
            *("-f", "rawvideo", "-pix_fmt", "gray", "-"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    size = WIDTH * height
    return [out.stdout[i : i + size] for i in range(0, len(out.stdout), size)]


def region(frame: bytes, box: tuple[int, int, int, int]) -> list[int]:
    left, top, right, bottom = box
    return [frame[y * WIDTH + x] for y in range(top, bottom) for x in range(left, right)]


def mean_diff(a: list[int], b: list[int]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def media_lines(text: str, kind: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.startswith(f"#EXT-X-MEDIA:TYPE={kind}")]


def test_forced_picture_subtitle_is_burned_into_its_own_master(
    home: Path, vobsub_source: Path
) -> None:
    with serving() as host:
        media_id = str(upload(host, vobsub_source)["mediaFileId"])
        assert wait_media(host, media_id)["status"] == "READY"
        state = host.state
        assert state is not None
        out = Path(state.runtime.settings.resolved_storage) / "hls" / media_id
        main = (out / "master.m3u8").read_text("utf-8")

        # ladder_v2 burns forced picture subtitles only: the German track, not English.
        assert sorted(p.name for p in out.glob("master*.m3u8")) == [
            "master.burned_1.m3u8",
            "master.m3u8",
        ]
        burned_master = out / "master.burned_1.m3u8"
        burned = burned_master.read_text("utf-8")
        # Never a variant of the main master: ABR cannot switch into burned pictures.
        assert "burned" not in main
        variants = master_variants(burned_master)
        assert [v["URI"] for v in variants] == ["burned_1/index.m3u8"]
        clean = master_variants(out / "master.m3u8")
        assert variants[0]["RESOLUTION"] == clean[0]["RESOLUTION"] == f"{WIDTH}x{HEIGHT}"
        # The same audio renditions as the main master.
        assert media_lines(burned, "AUDIO") == media_lines(main, "AUDIO")
        assert variants[0]["AUDIO"] == clean[0]["AUDIO"]
        assert int(variants[0]["BANDWIDTH"]) > 0 and variants[0]["CODECS"].startswith("avc1.")
        # Cut like the clean rung, so a player switching masters keeps its place.
        rung = out / clean[0]["URI"]
        copy = out / "burned_1" / "index.m3u8"
        assert playlist_durations(copy) == pytest.approx(playlist_durations(rung), abs=1e-3)

        # The subtitle is in the burned picture while it is shown, and only then.
        with_subs, without = gray_frames(copy), gray_frames(rung)
        assert len(with_subs) == len(without) >= round(4.0 * RATE)
        left, top, right, bottom = SUBPICTURE_BOX
        # As the DVD palette draws it: a dark 10-pixel frame around a white inside.
        inside = (left + 14, top + 14, right - 14, bottom - 14)
        frame = (left + 2, top + 2, right - 2, top + 8)
        start, end = SUBPICTURE_SHOWN
        shown = round((start + end) / 2 * RATE)
        drawn = region(with_subs[shown], inside)
        assert sum(drawn) / len(drawn) > 200, "the subtitle's white inside is not there"
        dark = region(with_subs[shown], frame)
        assert sum(dark) / len(dark) < 50, "the subtitle's dark frame is not there"
        box = region(with_subs[shown], SUBPICTURE_BOX)
        assert mean_diff(box, region(without[shown], SUBPICTURE_BOX)) > 40
        for quiet in (round(0.4 * RATE), round((end + 0.6) * RATE)):
            assert (
                mean_diff(
                    region(with_subs[quiet], SUBPICTURE_BOX), region(without[quiet], SUBPICTURE_BOX)
                )
                < 6
            ), f"frame {quiet}: a subtitle drawn when none is shown"
        above = (0, 0, WIDTH, top - 4)  # the picture elsewhere is the same picture
        assert mean_diff(region(with_subs[shown], above), region(without[shown], above)) < 6
        # No rung of the main ladder carries the subtitle.
        for variant in clean:
            frames = gray_frames(out / variant["URI"])
            if len(frames[0]) == WIDTH * HEIGHT:
                assert mean_diff(region(frames[shown], SUBPICTURE_BOX), box) > 40

        # ffprobe reads the burned master: one picture, the audio group's sound.
        doc = ffprobe("-show_entries", "stream=codec_type,width,height", str(burned_master))
        kinds = sorted({s["codec_type"] for s in doc["streams"]})
        assert kinds == ["audio", "video"]
        assert {
            (s.get("width"), s.get("height")) for s in doc["streams"] if s["codec_type"] == "video"
        } == {(WIDTH, HEIGHT)}

        # The playback API offers it among the subtitle choices, with its master.
        play = httpx.get(f"{host.url}/api/v1/media/{media_id}/playback", headers=auth(host))
        subtitles = play.json()["subtitles"]
        assert [(s["label"], s["burnedIn"], s["language"], s["forced"]) for s in subtitles] == [
            ("Deutsch (forced, burned in)", True, "de", True)
        ]
        served = httpx.get(host.url + subtitles[0]["url"], headers=auth(host))
        assert served.status_code == 200 and "burned_1/index.m3u8" in served.text
        # The job result still says which picture subtitles could not become text.
        jobs = httpx.get(f"{host.url}/api/v1/media/{media_id}/jobs", headers=auth(host))
        hls = next(j for j in jobs.json()["items"] if j["type"] == "hls")
        result = httpx.get(f"{host.url}/api/v1/jobs/{hls['id']}", headers=auth(host)).json()
        notes = result["result"]["picture_subtitles"]
        assert [p["note"] for p in notes] == ["picture subtitles, not convertible to text"] * 2

        # The burned version seeks with the same thumbnails: its master names the image
        # stream as the main one does, after the seek thumbnails and after a ladder re-run.
        def image_lines(name: str) -> list[str]:
            text = (out / name).read_text("utf-8")
            return [ln for ln in text.splitlines() if ln.startswith("#EXT-X-IMAGE-STREAM-INF")]

        def job_state(job_type: str) -> str | None:
            page = httpx.get(f"{host.url}/api/v1/media/{media_id}/jobs", headers=auth(host))
            found = [j for j in page.json()["items"] if j["type"] == job_type]
            return found[0]["status"] if found else None

        assert (
            wait_until(
                lambda: job_state("trickplay"), "seek thumbnails", until=TERMINAL.__contains__
            )
            == "COMPLETED"
        )
        assert len(image_lines("master.m3u8")) == 1
        assert image_lines("master.burned_1.m3u8") == image_lines("master.m3u8")
        again = httpx.post(f"{host.url}/api/v1/jobs/{hls['id']}/replay", headers=auth(host))
        assert again.status_code == 200, again.text
        remade = wait_until(
            lambda: httpx.get(f"{host.url}/api/v1/jobs/{hls['id']}", headers=auth(host)).json(),
            "the ladder made again",
            until=lambda j: j["status"] in TERMINAL and j["attempts"] == 2,
            timeout=240,
        )
        assert remade["status"] == "COMPLETED"
        assert len(image_lines("master.m3u8")) == 1
        assert image_lines("master.burned_1.m3u8") == image_lines("master.m3u8")
        assert [b["master"] for b in result["result"]["burned_in"]] == ["master.burned_1.m3u8"]

        # Made again with a preset that burns nothing (ladder_v1): the burned master,
        # its rung and its artifact go, so nothing points at a missing file.
        job = httpx.post(
            f"{host.url}/api/v1/jobs",
            json={"type": "hls", "mediaFileId": media_id, "input": {"preset": "hls/ladder_v1"}},
            headers=auth(host),
        )
        assert job.status_code in (200, 201, 202), job.text
        job_id = job.json()["id"]
        ended = wait_until(
            lambda: httpx.get(f"{host.url}/api/v1/jobs/{job_id}", headers=auth(host)).json(),
            "the hls job made again ends",
            until=lambda j: j["status"] in TERMINAL,
            timeout=240,
        )
        assert ended["status"] == "COMPLETED", (ended["error_code"], ended["error_message"])
        assert sorted(p.name for p in out.glob("master*.m3u8")) == ["master.m3u8"]
        assert not (out / "burned_1").exists()
        play = httpx.get(f"{host.url}/api/v1/media/{media_id}/playback", headers=auth(host))
        assert play.json()["subtitles"] == []


def cropped_under_its_canvas(source: Path, target: Path) -> Path:
    """The forced German track over a picture cropped to 320x180, its canvas kept at
    320x240: a Blu-ray rip cropped to 2.40:1 whose subtitles were authored for 16:9."""
    subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-nostdin", "-y", "-i", str(source)),
            *("-map", "0:v", "-map", "0:a", "-map", "0:s:0", "-vf", "crop=320:180"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "copy"),
            *("-c:s", "dvdsub", "-s:s", "320x240", "-metadata:s:s:0", "language=ger"),
            *("-disposition:s:0", "forced", str(target)),
        ],
        check=True,
        timeout=120,
    )
    return target


def test_a_canvas_taller_than_the_cropped_picture_keeps_its_shape(
    home: Path, vobsub_source: Path, tmp_path: Path
) -> None:
    source = cropped_under_its_canvas(vobsub_source, tmp_path / "cropped.mkv")
    with serving() as host:
        media_id = str(upload(host, source)["mediaFileId"])
        assert wait_media(host, media_id)["status"] == "READY"
        assert host.state is not None
        out = Path(host.state.runtime.settings.resolved_storage) / "hls" / media_id
        (clean,) = master_variants(out / "master.m3u8")
        assert clean["RESOLUTION"] == "320x180"
        with_subs = gray_frames(out / "burned_1" / "index.m3u8", height=180)
        without = gray_frames(out / clean["URI"], height=180)
        start, end = SUBPICTURE_SHOWN
        shown = round((start + end) / 2 * RATE)
        # The 320x240 canvas fitted into 320x180: scaled by 0.75 and centred, so the box
        # drawn at x 100-300, y 180-220 of the canvas lands at x 115-265, y 135-165
        # (stretched over the picture it would span x 100-300, its letters squeezed).
        row = 150
        changed = [
            x
            for x in range(WIDTH)
            if abs(with_subs[shown][row * WIDTH + x] - without[shown][row * WIDTH + x]) > 40
        ]
        assert changed, "no subtitle drawn"
        assert abs(min(changed) - 115) <= 3 and abs(max(changed) - 264) <= 3, changed
        column = 190
        rows = [
            y
            for y in range(180)
            if abs(with_subs[shown][y * WIDTH + column] - without[shown][y * WIDTH + column]) > 40
        ]
        # Heights scale alike either way (240 -> 180); its dark top edge hides in the
        # picture behind it at this column, the white inside starts at 142.
        assert 133 <= min(rows) <= 143 and abs(max(rows) - 164) <= 3, str(rows)
