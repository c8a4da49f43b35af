// Remembering where playback stopped, on the web page: "Resume from 12:34" or "Start
// over" when a position was saved; the position saved every few seconds while playing
// and when paused, ended or left; 90% in marks it watched (the server decides); at the
// end of an episode, the next one; at the end of a song, the album's next track.
// Uses api(), el() and clock() from the other scripts.
"use strict";

const SAVE_EVERY_MS = 5000;

const Resume = {
  mediaId: null, video: null, timer: null, lastSaved: null, finished: "watched", kind: null,
  playOn: null,  // the album's next track, opened when the last one ended: play it

  async attach(video, media) {
    this.detach();
    this.mediaId = media.id;
    this.kind = media.kind;
    this.finished = finishedWord(media.kind);  // a film is watched, a song played
    this.video = video;
    this.lastSaved = null;
    let saved = { position_s: 0, watched: false };
    try { saved = await api(`/api/v1/media-files/${media.id}/playback-state`); } catch (e) { /* none */ }
    if (this.video !== video) return;  // the page was left meanwhile (detach ran)
    this.render(saved);
    if (this.playOn === media.id) { this.playOn = null; video.play().catch(() => {}); }
    video.addEventListener("pause", this.onPause);
    video.addEventListener("ended", this.onEnded);
    this.timer = setInterval(() => { if (!video.paused) this.save(); }, SAVE_EVERY_MS);
    window.addEventListener("pagehide", this.onLeave);
  },

  // Resume or start over when a position was saved; Watched or not, and the switch
  // people expect beside it (Mark as watched / unwatched, as the app's menu has).
  render(saved) {
    const bar = document.getElementById("resume-bar");
    const video = this.video;
    bar.replaceChildren();
    if (saved.position_s > 0 && !saved.watched) {
      const resume = el("button", { id: "resume-button", type: "button" }, `Resume from ${clock(saved.position_s)}`);
      const over = el("button", { id: "start-over-button", type: "button" }, "Start over");
      resume.onclick = () => { this.render({ position_s: 0, watched: false }); this.seekWhenReady(saved.position_s); video.play().catch(() => {}); };
      over.onclick = () => { this.render({ position_s: 0, watched: false }); video.currentTime = 0; video.play().catch(() => {}); };
      bar.append(resume, over);
    } else if (saved.watched) {
      bar.append(el("span", { class: "muted", id: "watched-note" }, capitalised(this.finished)));
    }
    const toggle = el("button", { id: "watched-toggle", type: "button", class: "quiet" },
      saved.watched ? `Mark as un${this.finished}` : `Mark as ${this.finished}`);
    toggle.onclick = async () => {
      toggle.disabled = true;
      // As PlaybackService.mark: unwatched also forgets the position.
      const body = saved.watched ? { watched: false, positionS: 0 } : { watched: true };
      try {
        const now = await api(`/api/v1/media-files/${this.mediaId}/playback-state`,
          { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
        this.render(now);
      } catch (e) { toggle.disabled = false; }
    };
    bar.append(toggle);
  },

  seekWhenReady(at) {
    const video = this.video;
    if (video.readyState >= 1) video.currentTime = at;
    else video.addEventListener("loadedmetadata", () => { video.currentTime = at; }, { once: true });
  },

  detach() {
    if (this.timer) { clearInterval(this.timer); this.timer = null; }
    if (this.video) {
      this.save(true);
      this.video.removeEventListener("pause", this.onPause);
      this.video.removeEventListener("ended", this.onEnded);
    }
    window.removeEventListener("pagehide", this.onLeave);
    this.video = null;
  },

  save(leaving = false) {
    const video = this.video;
    if (!video || !this.mediaId || !isFinite(video.currentTime)) return null;
    const position = video.ended ? (video.duration || video.currentTime) : video.currentTime;
    if (position === this.lastSaved || position === 0) return null;
    this.lastSaved = position;
    const body = { positionS: position };
    if (isFinite(video.duration) && video.duration > 0) body.durationS = video.duration;
    return api(`/api/v1/media-files/${this.mediaId}/playback-state`, {
      method: "PUT", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body), keepalive: leaving,
    }).catch(() => null);
  },

  onPause() { Resume.save(); },
  onLeave() { Resume.save(true); },

  // An episode offers the next one; a song goes on to the album's next track, as a
  // music player does (the page opened after a play, so the browser lets it play).
  async onEnded() {
    const ended = Resume.mediaId;
    await Resume.save();
    const bar = document.getElementById("resume-bar");
    const response = await fetch(`/api/v1/media/${ended}/next`,
      { headers: token() ? { Authorization: "Bearer " + token() } : {} });
    // Another file opened meanwhile: leave it be.
    if (response.status !== 200 || !bar || Resume.mediaId !== ended) return;
    const next = await response.json();
    const song = Resume.kind === "audio" && next.kind === "audio";
    bar.replaceChildren(el("a", { id: song ? "next-track" : "next-episode", class: "button", href: `#/media/${next.id}` },
      `${song ? "Next on the album" : "Next episode"}: ${next.display_title}`));
    if (song) {
      Resume.playOn = next.id;
      location.hash = `#/media/${next.id}`;
    }
  },
};
window.mediadeskResume = Resume;
