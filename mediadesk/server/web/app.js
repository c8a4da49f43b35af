// MediaDesk web player: library, media page with hls.js, quality menu, job status.
// Plain script, no build step. The API token: the desktop app opens this page with its
// per-run token in the URL fragment (#token=..., never sent to a server), which is moved
// to sessionStorage at once and removed from the address bar; a token typed for a
// `serve` server is kept in localStorage.
"use strict";

const TERMINAL = new Set(["COMPLETED", "FAILED", "DEAD"]);
const state = { hls: null, video: null, timer: null, page: 0, seq: 0 };

// Each page shown has a number: work a page started before another was shown (a fetch
// still on its way when the user went back) stops there, and its failure is not shown
// over the page now showing.
class Stale extends Error {}
function still(seq) { if (seq !== state.seq) throw new Stale("left"); }
function unlessLeft(error) { if (!(error instanceof Stale)) throw error; }
window.mediadesk = state; // for debugging and for the end-to-end tests

function takeTokenFromFragment() {
  const match = location.hash.match(/^#token=([A-Za-z0-9_-]+)$/);
  if (!match) return;
  sessionStorage.setItem("mediadesk.token", match[1]);
  history.replaceState(null, "", location.pathname + location.search + "#/");
}

function token() {
  return sessionStorage.getItem("mediadesk.token") || localStorage.getItem("mediadesk.token") || "";
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers.Authorization = "Bearer " + token();
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    // Sent one and was refused: a wrong (or old) token; sent none: it is missing.
    const reason = headers.Authorization ? "wrong" : "missing";
    askForToken(reason);
    throw new Error(reason === "wrong" ? "The access token was not accepted." : "This server needs its access token.");
  }
  if (!response.ok) {
    let message = response.statusText;
    try { message = (await response.json()).error.message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return response.status === 204 ? null : response.json();
}

function askForToken(reason = "missing") {
  const form = document.getElementById("token-form");
  form.hidden = false;
  form.dataset.reason = reason;
  document.getElementById("token-message").textContent = reason === "wrong"
    ? "That token was not accepted: it may be mistyped, or the server has a new one. "
    : "This server needs its access token. ";
  form.onsubmit = (event) => {
    event.preventDefault();
    localStorage.setItem("mediadesk.token", document.getElementById("token-input").value.trim());
    form.hidden = true;
    route();
  };
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// A rendition by its short side, as people say it (640x360 and 360x640 are both 360p).
function rungLabel(level) {
  if (!level.height || !level.width) return level.height ? `${level.height}p` : "audio";
  return `${Math.min(level.width, level.height)}p`;
}

function fmtDuration(s) {
  if (s == null) return "";
  const m = Math.floor(s / 60), sec = Math.round(s % 60);
  return `${m}:${String(sec).padStart(2, "0")}`;
}

// As domain/vocabulary.py's human_size: a size reads the same in the CLI and the app.
function fmtSize(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function stopTimers() {
  if (window.mediadeskResume) window.mediadeskResume.detach();
  if (state.timer) { clearInterval(state.timer); state.timer = null; }
  if (state.hls) { state.hls.destroy(); state.hls = null; }
}

// Library: see library.js ------------------------------------------------------------

// One file to /media/upload; resolves {ok, mediaFileId} or {ok: false, reason}, with
// the bar following the bytes. Never rejects: a failure is a result to report.
function sendFile(file, bar) {
  return new Promise((resolve) => {
    const form = new FormData();
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/media/upload");
    if (token()) xhr.setRequestHeader("Authorization", "Bearer " + token());
    bar.value = 0;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = e.loaded / e.total; };
    xhr.onload = () => {
      if (xhr.status === 201) { resolve({ ok: true, mediaFileId: JSON.parse(xhr.responseText).mediaFileId }); return; }
      // The API's own sentence ({"error": {"code", "message"}}), not its JSON.
      let reason = xhr.statusText || `HTTP ${xhr.status}`;
      try { reason = JSON.parse(xhr.responseText).error.message; } catch (e) { /* not JSON */ }
      if (xhr.status === 401) askForToken(token() ? "wrong" : "missing");
      resolve({ ok: false, reason, status: xhr.status });
    };
    xhr.onerror = () => resolve({ ok: false, reason: "the connection to the server was lost. Try again." });
    xhr.send(form);
  });
}

// Files picked or dropped, one after the other (each placed by its name, as the app's
// drop does). One file opens its page; several stay on the library with a summary.
async function upload(files) {
  files = Array.from(files || []);
  if (!files.length) return;
  const bar = document.getElementById("upload-progress");
  const message = document.getElementById("upload-message");
  const say = (text, failed) => {
    message.textContent = text;
    message.classList.toggle("problem", Boolean(failed));
    message.hidden = !text;
  };
  bar.hidden = false;
  const done = [], failed = [];
  for (const [i, file] of files.entries()) {
    say(files.length > 1 ? `Uploading ${i + 1} of ${files.length}: ${file.name}…` : `Uploading ${file.name}…`);
    const result = await sendFile(file, bar);
    if (result.ok) done.push(result.mediaFileId);
    else {
      failed.push(`${file.name} was not uploaded: ${result.reason}`);
      if (result.status === 401) break;  // the rest would be refused the same way
    }
  }
  bar.hidden = true;
  if (files.length === 1 && done.length === 1) {
    say("");
    location.hash = `#/media/${done[0]}`;
    return;
  }
  const summary = files.length > 1 ? [`${done.length} of ${files.length} uploaded.`] : [];
  say([...summary, ...failed].join(" "), failed.length > 0);
  if (typeof loadShelves === "function" && done.length) await loadShelves("");
}

// Files dropped anywhere on the library page upload as if picked; on a video's page
// they are added to it as subtitles; elsewhere a drop is refused (the browser would
// otherwise leave the page to show the file).
function acceptDrops() {
  const onLibrary = () => Boolean(document.getElementById("upload-input"));
  const onMedia = () => { const add = document.getElementById("subtitle-add"); return Boolean(add && !add.hidden); };
  window.addEventListener("dragover", (e) => {
    e.preventDefault();
    const files = e.dataTransfer && Array.from(e.dataTransfer.types || []).includes("Files");
    const here = onLibrary() || onMedia();
    e.dataTransfer.dropEffect = files && here ? "copy" : "none";
    document.body.classList.toggle("dropping", Boolean(files && here));
  });
  window.addEventListener("dragleave", (e) => { if (!e.relatedTarget) document.body.classList.remove("dropping"); });
  window.addEventListener("drop", (e) => {
    e.preventDefault();
    document.body.classList.remove("dropping");
    const files = e.dataTransfer ? e.dataTransfer.files : [];
    if (!files.length) return;
    if (onLibrary()) upload(files);
    else if (onMedia()) {
      const match = location.hash.match(/^#\/media\/([A-Za-z0-9-]+)$/);
      if (match) addSubtitles(match[1], Array.from(files));
    }
  });
}

// One media file ---------------------------------------------------------------------

async function showMedia(id, seq) {
  state.subtitleJobs = null;
  const view = document.getElementById("view");
  view.replaceChildren(document.getElementById("media-tpl").content.cloneNode(true));
  const media = await api(`/api/v1/media/${id}`);
  still(seq);
  document.getElementById("media-title").textContent = media.display_title || media.original_filename;
  const ref = media.catalogue;
  if (ref && ref.series_id) {
    document.getElementById("back-link").href = `#/series/${ref.series_id}`;
    document.getElementById("back-link").textContent = `\u2190 ${ref.series_title}`;
  } else if (media.song && media.song.album_key) {  // a song: back to its album
    document.getElementById("back-link").href = `#/album/${encodeURIComponent(media.song.album_key)}`;
    document.getElementById("back-link").textContent = `\u2190 ${media.song.album}`;
  }
  const details = document.getElementById("details");
  const rows = [["State", word("media_status", media.state || media.status)], ["Kind", word("media_kind", media.kind)],
    ["File", media.original_filename], ["Duration", fmtDuration(media.duration_seconds)],
    ["Size", fmtSize(media.size_bytes)], ["Video", media.video_codec ? `${word("codec", media.video_codec)} ${media.width}×${media.height}` : "—"],
    ["Audio", media.audio_codec ? word("codec", media.audio_codec) : "—"]].filter(([k]) => !(k === "Video" && media.kind === "audio"));
  // "Track 3 of River Songs": the words the app's detail pane and the CLI use.
  const place = media.song && media.song.place;
  if (place) rows.splice(2, 0, ["Album", place]);
  // A file of a library folder: where it is on the server's disk, or that it is gone.
  const where = WORDS.where && WORDS.where[media.missing ? "missing" : "present"];
  if (media.original_path && where) rows.push(["Where", where.replace("{path}", media.original_path)]);
  if (media.error_message) rows.push(["Problem", `${media.error_message} (Retry is beside the failed step below.)`]);
  details.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v ?? ""))]));
  // Subtitles go with videos only (the API refuses them for audio and pictures).
  document.getElementById("subtitle-add").hidden = media.kind !== "video";
  if (window.mediadeskSubtitles) {
    window.mediadeskSubtitles.offer(document.getElementById("subtitle-add"), document.getElementById("subtitle-input"));
  }
  document.getElementById("subtitle-input").onchange = (e) => {
    addSubtitles(id, Array.from(e.target.files));
    e.target.value = "";
  };
  await play(id, media);
  if (window.mediadeskResume) await window.mediadeskResume.attach(state.video, media);
  still(seq);
  await loadJobs(id);
  still(seq);
  state.timer = setInterval(() => loadJobs(id), 2000);
}

// Subtitles added on this page: once their jobs are done the stream is loaded again
// where it was playing, so the new tracks are in the Subtitles menu.
async function addSubtitles(id, files) {
  if (!window.mediadeskSubtitles) return;
  const jobs = await window.mediadeskSubtitles.add(id, files);
  if (!jobs || !jobs.length) return;
  state.subtitleJobs = new Set([...(state.subtitleJobs || []), ...jobs]);
  if (!state.timer) state.timer = setInterval(() => loadJobs(id), 2000);
}

async function reloadStream(id) {
  const video = state.video, at = video.currentTime, paused = video.paused;
  if (state.hls) { state.hls.destroy(); state.hls = null; }
  try { await play(id, state.media, { url: null, startAt: at }); } catch (error) { unlessLeft(error); return; }
  if (!paused) video.play().catch(() => {});
}

// ``opts.url``: a burned-in subtitle master to play instead of the main one (null: the
// main one); ``opts.startAt``: where to start, when switching between them.
async function play(id, media, opts) {
  opts = opts || {};
  const seq = state.seq;
  const info = await api(`/api/v1/media/${id}/playback`);
  still(seq);  // left meanwhile: no player for a page that is gone
  state.media = media || state.media;
  const video = document.getElementById("video");
  state.video = video;
  state.playback = info;
  const isAudio = info.kind === "audio";
  video.classList.toggle("audio", isAudio);
  // An audio file shows its cover art above the controls (the poster of a 54-pixel
  // player is never seen), and has no pictures or subtitles to choose: no menus for them.
  const cover = document.getElementById("cover");
  cover.hidden = !(isAudio && info.posterUrl);
  if (isAudio && info.posterUrl) cover.src = info.posterUrl;
  else if (info.posterUrl) video.poster = info.posterUrl;
  for (const menu of ["quality", "audio-track", "subtitle-track"]) {
    document.getElementById(menu).closest("label").hidden = isAudio;
  }
  const wave = document.getElementById("waveform");
  if (info.waveformUrl) { wave.src = info.waveformUrl; wave.hidden = false; }
  const quality = document.getElementById("quality");
  const source = document.getElementById("source");
  if (info.hlsUrl && window.Hls && Hls.isSupported()) {
    const tracks = window.mediadeskTracks;
    const remembered = tracks ? tracks.preferences(state.media) : {};
    // Picture subtitles burned in: a master of their own, never a level of the main one.
    const burned = (info.subtitles || []).filter((s) => s.burnedIn);
    const burnedUrl = "url" in opts ? opts.url : (tracks ? tracks.burnedRemembered(state.media, burned) : null);
    const start = opts.startAt ? { startPosition: opts.startAt } : {};
    const hls = new Hls(Object.assign({ capLevelToPlayerSize: false }, remembered, start));
    state.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
      quality.replaceChildren(el("option", { value: "-1" }, "Auto"),
        ...data.levels.map((level, i) => el("option", { value: String(i) },
          `${rungLabel(level)} · ${Math.round(level.bitrate / 1000)} kbps`)));
      quality.dataset.levels = String(data.levels.length);
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
      const level = hls.levels[data.level];
      const rung = level ? rungLabel(level) : "audio";
      // An audio file's stream has one version: nothing is chosen automatically.
      source.textContent = isAudio ? word("playing", "stream")
        : `${word("playing", "stream")} · ${rung}` + (hls.autoLevelEnabled ? " (auto)" : "");
      source.dataset.level = String(data.level);
    });
    hls.on(Hls.Events.ERROR, (_e, data) => { if (data.fatal) source.textContent = "Playback error: " + data.details; });
    quality.onchange = () => { hls.currentLevel = Number(quality.value); };
    // Switching masters keeps the position and whether it was playing.
    const switchTo = (url) => {
      const at = video.currentTime, paused = video.paused;
      hls.destroy();
      state.hls = null;
      play(id, state.media, { url, startAt: at })
        .then(() => { if (!paused) video.play().catch(() => {}); }).catch(unlessLeft);
    };
    if (tracks) {
      tracks.attach(hls, state.media, document.getElementById("audio-track"),
        document.getElementById("subtitle-track"), burned, burnedUrl, switchTo);
    }
    hls.loadSource(burnedUrl || info.hlsUrl);
    hls.attachMedia(video);
    source.textContent = word("playing", "stream");
    source.dataset.master = burnedUrl ? "burned" : "main";
  } else if (info.hlsUrl && video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = info.hlsUrl;
    source.textContent = word("playing", "stream_native");
  } else {
    video.src = info.originalUrl;
    quality.disabled = true;
    source.textContent = word("playing", info.status === "FAILED" ? "original_failed" : "original");
  }
  if (window.mediadeskTracks) {
    const menu = document.getElementById("chapter-menu");
    state.chapters = await window.mediadeskTracks.chapters(info.chaptersUrl, video,
      menu, document.getElementById("chapter-strip"));
    menu.hidden = isAudio && !state.chapters.length;
  }
}

// A failed step offers what to do next where its problem is shown: run it again.
function retryButton(mediaId, job) {
  if (job.status !== "FAILED" && job.status !== "DEAD") return "";
  const button = el("button", { class: "retry", type: "button", title: "Run this step again" }, "Retry");
  button.onclick = async () => {
    button.disabled = true;
    try {
      await api(`/api/v1/jobs/${job.id}/retry`, { method: "POST" });
    } catch (e) {
      button.replaceWith(el("span", { class: "problem" }, ` Retry refused: ${e.message}`));
      return;
    }
    await loadJobs(mediaId);
    if (!state.timer) state.timer = setInterval(() => loadJobs(mediaId), 2000);
  };
  return button;
}

async function loadJobs(id) {
  const page = await api(`/api/v1/media/${id}/jobs`);
  const body = document.querySelector("#jobs tbody");
  if (!body) return;
  // The Problem column only when a step has one (as the details' Problem row).
  const problems = page.items.some((j) => j.error_message);
  body.closest("table").classList.toggle("no-problems", !problems);
  // In the order the file went through them, as the app's detail pane lists them; a
  // running step says how far it is beside its state (a finished one just says Done).
  const steps = [...page.items].sort((a, b) => a.created_at.localeCompare(b.created_at));
  const stateOf = (j) => word("job_status", j.status) +
    (j.status === "PROCESSING" && j.progress != null ? ` · ${Math.round(j.progress)}%` : "");
  body.replaceChildren(...steps.map((j) => el("tr", { "data-job": j.id },
    el("td", {}, word("job_type", j.type)), el("td", {}, el("span", { class: `badge ${j.status}` }, stateOf(j))),
    el("td", { class: "col-problem" }, j.error_message || "", retryButton(id, j)))));
  const waiting = state.subtitleJobs ? page.items.filter((j) => state.subtitleJobs.has(j.id)) : [];
  if (waiting.length && waiting.every((j) => TERMINAL.has(j.status))) {
    state.subtitleJobs = null;
    if (state.hls) await reloadStream(id);
  }
  const done = page.items.every((j) => TERMINAL.has(j.status));
  if (done && state.timer) { clearInterval(state.timer); state.timer = null; }
  if (done && state.playback && !state.playback.hlsUrl && !state.hls) {
    const info = await api(`/api/v1/media/${id}/playback`);
    if (info.hlsUrl) { state.video.pause(); await play(id, state.media).catch(unlessLeft); }
  }
}

// Routing --------------------------------------------------------------------------

async function route() {
  stopTimers();
  const seq = ++state.seq;
  const match = location.hash.match(/^#\/media\/([A-Za-z0-9-]+)$/);
  const series = location.hash.match(/^#\/series\/([A-Za-z0-9-]+)$/);
  const album = location.hash.match(/^#\/album\/(.+)$/);
  try {
    if (!WORDS.loaded) { await loadWords(); WORDS.loaded = true; }
    still(seq);
    if (match) await showMedia(match[1], seq);
    else if (series) await showSeries(series[1]);
    else if (album) await showAlbum(decodeURIComponent(album[1]));
    else if (location.hash === "#/storage") await showStorage();
    else await showLibrary();
  } catch (error) {
    if (error instanceof Stale || seq !== state.seq) return;  // another page is showing
    document.getElementById("view").replaceChildren(el("p", { class: "muted" }, String(error.message || error)));
  }
}

async function showHealth() {
  try {
    const health = await fetch("/api/v1/health").then((r) => r.json());
    // The desktop status bar's words: what works, and what does not, not "ok".
    const problems = [];
    if (!health.database) problems.push("the library database cannot be read");
    if (!health.storage) problems.push("the storage cannot be written");
    if (!health.ffmpeg) problems.push("ffmpeg is missing");
    if (!health.accepting) problems.push("the server is shutting down");
    const status = document.getElementById("server-status");
    status.textContent = problems.length
      ? `Problem: ${problems.join("; ")}`
      : `Workers: ${health.workers ? "running" : "not running"}`;
    status.classList.toggle("problem", problems.length > 0);
    status.title = `MediaDesk ${health.version}`;
  } catch (e) { /* offline */ }
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", () => { takeTokenFromFragment(); showHealth(); acceptDrops(); route(); });
