// Audio and subtitle menus, chapters, and the choice remembered per series.
// hls.js reads every track from the master playlist; this file only offers them,
// remembers what was picked (localStorage, per series, else per file) and honours
// forced subtitles: with subtitles "Off", a forced track in the language being heard
// (signs, foreign dialogue) is still shown.
"use strict";

(function () {
  const KEY = "mediadesk.tracks.";

  function memoryKey(media) {
    const ref = media && media.catalogue;
    return KEY + (ref && ref.series_id ? "series:" + ref.series_id : "media:" + (media ? media.id : ""));
  }

  function remembered(media) {
    try { return JSON.parse(localStorage.getItem(memoryKey(media)) || "{}"); } catch (e) { return {}; }
  }

  function remember(media, patch) {
    const now = Object.assign(remembered(media), patch);
    localStorage.setItem(memoryKey(media), JSON.stringify(now));
  }

  function option(value, text) {
    const node = document.createElement("option");
    node.value = value;
    node.textContent = text;
    return node;
  }

  function trackName(track) {
    return track.name || track.lang || "Track " + (track.id + 1);
  }

  // With subtitles off: the forced track of the language being heard, if there is one.
  function forcedFor(hls) {
    const audio = hls.audioTracks[hls.audioTrack];
    const lang = audio ? audio.lang : null;
    return hls.subtitleTracks.findIndex((t) => t.forced && (!lang || t.lang === lang));
  }

  function applySubtitles(hls, choice) {
    const tracks = hls.subtitleTracks;
    let index = -1;
    if (choice && choice !== "off") {
      index = tracks.findIndex((t) => !t.forced && (t.lang === choice.lang) && trackName(t) === choice.name);
      if (index < 0) index = tracks.findIndex((t) => !t.forced && t.lang === choice.lang);
    }
    if (index < 0) index = forcedFor(hls);
    hls.subtitleDisplay = true;
    hls.subtitleTrack = index;
    return index;
  }

  // Picture subtitles burned in (from the playback API): each is a master of its own,
  // so picking one switches the source (switchTo(url)), and picking a text track or
  // Off switches back to the main master (switchTo(null)). ``current``: the burned
  // master playing now, else null.
  function burnedRemembered(media, burned) {
    const choice = remembered(media).subtitles;
    if (!choice || !choice.burned) return null;
    const match = burned.find((b) => b.label === choice.burned) ||
      burned.find((b) => choice.lang && b.language === choice.lang);
    return match ? match.url : null;
  }

  function attach(hls, media, audioSelect, subtitleSelect, burned, current, switchTo) {
    burned = burned || [];
    const state = { choice: remembered(media).subtitles || null };
    if (state.choice && state.choice.burned && !current) state.choice = "off";

    // A rung offered with the stereo and the surround group lists every language
    // twice: each name once, the 5.1 renditions marked as such.
    function fillAudio() {
      const seen = new Set();
      const options = [];
      hls.audioTracks.forEach((t, i) => {
        const surround = Number(t.channels || 2) > 2;
        const text = trackName(t) + (surround ? " · 5.1" : "");
        if (seen.has(text) && i !== hls.audioTrack) return;
        seen.add(text);
        options.push(option(String(i), text));
      });
      // No audio renditions: a video without sound (never an empty menu).
      const silent = !options.length;
      if (silent) options.push(option("-1", "No sound"));
      audioSelect.replaceChildren(...options);
      audioSelect.value = silent ? "-1" : String(hls.audioTrack);
      audioSelect.disabled = options.length < 2;
    }

    function fillSubtitles() {
      // On a burned master there are no text tracks (they belong to the main one).
      const tracks = current ? [] : hls.subtitleTracks;
      subtitleSelect.replaceChildren(option("-1", "Off"),
        ...tracks.map((t, i) => option(String(i), trackName(t))).filter((_o, i) => !tracks[i].forced),
        ...burned.map((b, i) => option("b" + i, b.label)));
      const playing = tracks[hls.subtitleTrack];
      const burnedAt = burned.findIndex((b) => b.url === current);
      subtitleSelect.value = burnedAt >= 0 ? "b" + burnedAt
        : playing && !playing.forced ? String(hls.subtitleTrack) : "-1";
      subtitleSelect.disabled = tracks.length === 0 && burned.length === 0;
    }

    // The remembered tracks themselves are picked by hls.js (see preferences()).
    hls.on(Hls.Events.MANIFEST_PARSED, fillAudio);
    hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, fillAudio);
    hls.on(Hls.Events.AUDIO_TRACK_SWITCHED, () => {
      fillAudio();
      // Forced subtitles follow the language being heard.
      if (!state.choice || state.choice === "off") applySubtitles(hls, state.choice);
      fillSubtitles();
    });
    hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => {
      if (!state.choice || state.choice === "off") applySubtitles(hls, state.choice);
      fillSubtitles();
    });
    hls.on(Hls.Events.SUBTITLE_TRACK_SWITCH, fillSubtitles);

    audioSelect.onchange = () => {
      const track = hls.audioTracks[Number(audioSelect.value)];
      hls.audioTrack = Number(audioSelect.value);
      if (track) remember(media, { audio: { lang: track.lang || null, name: trackName(track) } });
    };
    subtitleSelect.onchange = () => {
      const value = subtitleSelect.value;
      if (value.startsWith("b")) {
        const pick = burned[Number(value.slice(1))];
        state.choice = { burned: pick.label, lang: pick.language || null };
        remember(media, { subtitles: state.choice });
        if (pick.url !== current && switchTo) switchTo(pick.url);
        return;
      }
      const track = current ? null : hls.subtitleTracks[Number(value)];
      state.choice = track ? { lang: track.lang || null, name: trackName(track) } : "off";
      remember(media, { subtitles: state.choice });
      if (current && switchTo) { switchTo(null); return; }  // back to the clean picture
      applySubtitles(hls, state.choice);
      fillSubtitles();
    };
    fillSubtitles();
    return state;
  }

  // Chapters: a menu and marks on a strip under the video, both seeking.
  async function chapters(url, video, select, strip) {
    select.replaceChildren(option("", "Chapters"));
    strip.replaceChildren();
    select.disabled = true;
    if (!url) return [];
    const response = await fetch(url);
    if (!response.ok) return [];
    const cues = parseVtt(await response.text());
    select.append(...cues.map((c, i) => option(String(i), `${c.text} · ${clock(c.start)}`)));
    select.disabled = cues.length === 0;
    select.onchange = () => {
      const cue = cues[Number(select.value)];
      if (cue) video.currentTime = cue.start + 0.001;
      select.value = "";
    };
    const place = () => {
      if (!video.duration) return;
      strip.replaceChildren(...cues.map((c) => {
        const mark = document.createElement("button");
        mark.className = "chapter-mark";
        mark.title = c.text;
        mark.style.left = `${(100 * c.start) / video.duration}%`;
        mark.onclick = () => { video.currentTime = c.start + 0.001; };
        return mark;
      }));
    };
    video.addEventListener("durationchange", place);
    place();
    return cues;
  }

  function clock(s) {
    const m = Math.floor(s / 60), sec = Math.floor(s % 60);
    return `${m}:${String(sec).padStart(2, "0")}`;
  }

  function seconds(text) {
    const parts = text.trim().split(":").map(Number);
    return parts.reduce((total, part) => total * 60 + part, 0);
  }

  function parseVtt(text) {
    const cues = [];
    for (const block of text.replace(/\r/g, "").split(/\n\n+/)) {
      const lines = block.split("\n");
      const at = lines.findIndex((l) => l.includes("-->"));
      if (at < 0) continue;
      const [start, end] = lines[at].split("-->").map((p) => seconds(p.trim().split(/\s/)[0]));
      cues.push({ start, end, text: lines.slice(at + 1).filter(Boolean).join(" ") });
    }
    return cues;
  }

  // hls.js options that pick the remembered tracks as the stream loads.
  function preferences(media) {
    const memory = remembered(media);
    const options = {};
    if (memory.audio) options.audioPreference = { lang: memory.audio.lang || undefined, name: memory.audio.name };
    if (memory.subtitles && memory.subtitles !== "off" && !memory.subtitles.burned) {
      options.subtitlePreference = { lang: memory.subtitles.lang || undefined, name: memory.subtitles.name };
    }
    return options;
  }

  window.mediadeskTracks = { attach, burnedRemembered, chapters, preferences, remembered, memoryKey };
})();
