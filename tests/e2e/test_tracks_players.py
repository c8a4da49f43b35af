"""Real players choose audio and subtitle tracks of MediaDesk's HLS over HTTP:
hls.js in Chromium (the web page's menus), mpv (aid/sid, subtitle text on time), VLC
to the end, ffprobe's renditions. One server and one many-track film for the module
(``tracks_film``, shared with the Shaka Player test through tests/e2e/conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from mediadesk.server.host import ServerHost
from tests.e2e.test_players import chromium_page, mpv_player
from tests.serverkit import auth

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

AUDIO = ["English", "Français", "English (Commentary)", "Deutsch"]


def playback(host: ServerHost, media_id: str) -> dict[str, Any]:
    url = f"{host.url}/api/v1/media/{media_id}/playback"
    return dict(httpx.get(url, headers=auth(host), timeout=30).json())


def test_ffprobe_lists_the_renditions(tracks_film: tuple[ServerHost, str]) -> None:
    host, media_id = tracks_film
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams",
         host.stream_url(media_id)],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    streams = json.loads(out)["streams"]
    audio = [s for s in streams if s["codec_type"] == "audio"]
    langs = sorted({s.get("tags", {}).get("language") for s in audio})
    assert langs == ["de", "en", "fr"]
    assert max(s["channels"] for s in audio) == 6


def test_hlsjs_lists_and_switches_tracks_and_remembers(
    tracks_film: tuple[ServerHost, str], tmp_path: Path
) -> None:
    host, media_id = tracks_film
    with chromium_page(tmp_path / "profile") as (page, errors):
        page.goto(host.web_url(), timeout=60_000)
        page.wait_for_selector(f"li.card[data-id='{media_id}']", timeout=30_000)
        page.goto(f"{host.url}/#/media/{media_id}", timeout=60_000)
        page.wait_for_function(
            "() => window.mediadesk.hls && window.mediadesk.hls.subtitleTracks.length === 4"
            " && document.querySelectorAll('#audio-track option').length >= 4",
            timeout=60_000,
            polling=250,
        )
        page.evaluate(
            "() => { window.hlsErrors = [];"
            " window.mediadesk.hls.on(Hls.Events.ERROR,"
            " (_e, d) => window.hlsErrors.push("
            " `${d.fatal ? 'FATAL ' : ''}${d.details} ${d.type}"
            " ${d.frag ? `${d.frag.type}:${d.frag.sn}` : '-'} ${d.error || ''}`));"
            " const v = window.mediadesk.video; v.muted = true; v.play(); }"
        )
        names = page.eval_on_selector_all("#audio-track option", "os => os.map(o => o.textContent)")
        # Each language once; the German 5.1 rendition offered besides its stereo one.
        assert names == [*AUDIO, "Deutsch · 5.1"]
        values = page.eval_on_selector_all("#audio-track option", "os => os.map(o => o.value)")
        subtitles = page.eval_on_selector_all(
            "#subtitle-track option", "os => os.map(o => o.textContent)"
        )
        # Forced tracks are not offered: they show by themselves.
        assert subtitles == ["Off", "English", "Français", "English 2"]
        marks = page.locator(".chapter-mark")
        page.wait_for_function("() => document.querySelectorAll('.chapter-mark').length === 2")
        assert marks.count() == 2
        chapters = page.eval_on_selector_all(
            "#chapter-menu option", "os => os.map(o => o.textContent)"
        )
        assert chapters[1:] == ["Opening · 0:00", "Le départ · 0:01"]

        # French audio with subtitles off: the French forced track is shown.
        french = int(values[names.index("Français")])
        page.select_option("#audio-track", str(french))
        page.wait_for_function(
            f"() => window.mediadesk.hls.audioTrack === {french}", timeout=60_000
        )
        page.wait_for_function(
            "() => { const h = window.mediadesk.hls; const t = h.subtitleTracks[h.subtitleTrack];"
            " return t && t.forced && t.lang === 'fr'; }",
            timeout=60_000,
        )
        # Switched once the forced track has loaded (a switch while a load is under way
        # aborts it, which hls.js reports as an error event).
        page.wait_for_function(
            "() => Array.from(window.mediadesk.video.textTracks).some(t => t.cues"
            " && Array.from(t.cues).some(c => c.text === 'Panneau : SORTIE'))",
            timeout=60_000,
            polling=250,
        )
        # English subtitles: their cues arrive with the video's timing.
        page.select_option("#subtitle-track", "0")
        page.wait_for_function(
            "() => { const h = window.mediadesk.hls; const t = h.subtitleTracks[h.subtitleTrack];"
            " return t && t.name === 'English'; }",
            timeout=60_000,
        )
        page.wait_for_function(
            "() => Array.from(window.mediadesk.video.textTracks).some(t => t.mode === 'showing'"
            " && t.cues && Array.from(t.cues).some(c => c.text === 'Hello there'))",
            timeout=60_000,
            polling=250,
        )
        start = page.evaluate(
            "() => Array.from(window.mediadesk.video.textTracks).flatMap(t =>"
            " t.cues ? Array.from(t.cues) : []).find(c => c.text === 'Hello there').startTime"
        )
        assert abs(start - 0.5) < 0.1
        page.wait_for_function(
            "() => window.mediadesk.video.currentTime > 2", timeout=90_000, polling=250
        )
        # hls.js reports no error, fatal (FATAL ...) or not, except three warnings the
        # stream cannot avoid; playback goes on, as the currentTime wait above shows.
        # - bufferSeekOverHole at start-up: hls.js puts the first video *decode* time at
        #   0, and x264's B-frames put the first picture two frames (80 ms) after it in
        #   MPEG-TS, so hls.js steps from 0 over that gap. Audio and video start together
        #   (same first PTS); only a ladder without B-frames loses the gap (tried: the
        #   warning goes), at a bitrate cost a start-up nudge does not justify. Shaka
        #   jumps the same 80 ms without an error event.
        # - bufferAppendNoProgress for the first main fragment: with alternate audio the
        #   video's first fragment is queued before both SourceBuffers exist, and hls.js
        #   1.7's append-progress check does not see it grow (tried: the same video with
        #   its audio muxed in does not warn); or for an audio fragment after a switch,
        #   which lands on audio already buffered from the old track.
        # - aborted: a load the switch made moot, cancelled.
        benign = (
            r"bufferSeekOverHole mediaError main:0 .*seeking from 0 to 0\.[0-2]\d*$",
            r"bufferAppendNoProgress mediaError (main:0|audio:\d+) ",
            r"aborted ",
        )
        reported = page.evaluate("() => window.hlsErrors")
        assert [e for e in reported if not any(re.match(b, e) for b in benign)] == []
        assert errors == []

        # The choice is remembered: the page opens again with French and English.
        page.goto(f"{host.url}/#/", timeout=60_000)
        page.goto(f"{host.url}/#/media/{media_id}", timeout=60_000)
        page.wait_for_function(
            "() => window.mediadesk.hls && window.mediadesk.hls.subtitleTrack >= 0",
            timeout=60_000,
            polling=250,
        )
        assert (
            page.evaluate(
                "() => window.mediadesk.hls.audioTracks[window.mediadesk.hls.audioTrack].name"
            )
            == "Français"
        )
        assert (
            page.evaluate(
                "() => window.mediadesk.hls.subtitleTracks[window.mediadesk.hls.subtitleTrack].name"
            )
            == "English"
        )


def test_mpv_switches_audio_and_shows_subtitles_on_time(
    tracks_film: tuple[ServerHost, str],
) -> None:
    host, media_id = tracks_film
    info = playback(host, media_id)
    by_label = {s["label"]: host.url + s["url"] for s in info["subtitles"]}
    with mpv_player() as player:
        player.pause = True
        player.play(host.stream_url(media_id))
        player.wait_for_property("duration", lambda d: bool(d), timeout=90)
        audio = [t for t in player.track_list if t["type"] == "audio"]
        assert {t.get("lang") for t in audio} == {"en", "fr", "de"}
        # Subtitle renditions are not read by mpv over ffmpeg 5.1: whole tracks are added.
        player.command("sub-add", by_label["Français"], "auto", "Français", "fr")
        player.command("sub-add", by_label["English"], "select", "English", "en")
        english = player.sid
        french_sub = next(
            t["id"] for t in player.track_list if t["type"] == "sub" and t.get("lang") == "fr"
        )
        # When the text changes, in the player's clock (values from mpv's own reports:
        # reading properties inside its callbacks can crash at shutdown).
        clock = {"t": 0.0}
        changes: list[tuple[float, str]] = []
        player.observe_property("time-pos", lambda _n, t: clock.update(t=t or clock["t"]))
        player.observe_property(
            "sub-text", lambda _n, text: changes.append((clock["t"], text or ""))
        )
        player.pause = False
        player.wait_for_property("time-pos", lambda t: t is not None and t > 1.7, timeout=90)

        def first(text: str, after: float = 0.0) -> float | None:
            return next((t for t, said in changes if said == text and t > after), None)

        shown = first("Hello there")
        assert shown is not None and abs(shown - 0.5) < 0.1, changes
        gone = first("", after=shown)
        assert gone is not None and abs(gone - 1.5) < 0.1, changes
        # Another subtitle track mid-play: its next cue (2.1 s) on time.
        assert english != french_sub
        player.sid = french_sub
        player.wait_for_property("time-pos", lambda t: t is not None and t > 2.6, timeout=90)
        switched = first("Au revoir")
        assert switched is not None and abs(switched - 2.1) < 0.1, changes
        # Another audio track mid-play: it is the one selected and playback goes on.
        french = next(t["id"] for t in audio if t.get("lang") == "fr")
        player.aid = french
        player.wait_for_property("aid", lambda a: a == french, timeout=30)
        selected = [t for t in player.track_list if t["type"] == "audio" and t.get("selected")]
        assert [t.get("lang") for t in selected] == ["fr"]
        player.wait_for_property("time-pos", lambda t: t is not None and t > 4.0, timeout=90)


def test_vlc_plays_the_film_to_the_end(tracks_film: tuple[ServerHost, str], tmp_path: Path) -> None:
    host, media_id = tracks_film
    cvlc = shutil.which("cvlc")
    assert cvlc, "cvlc is missing (Debian vlc-bin; make setup-test installs it)"
    argv = [cvlc, "-vv", "--intf", "dummy", "--vout", "vdummy", "--aout", "adummy",
            "--play-and-exit", "--no-media-library", host.stream_url(media_id)]  # fmt: skip
    if os.getuid() == 0:
        tmp_path.chmod(0o777)
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)}
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    assert "EOF reached" in log
