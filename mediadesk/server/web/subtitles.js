// Subtitle files added to the video on its page (the "Add subtitles" button or a drop
// on the page), as the app's drop adds them: the name gives the language and flags
// (Film.fr.forced.srt), a `subtitles` job adds them to the stream without re-encoding
// the video, and once it is done the player loads the stream again where it was, so
// the new track is in the Subtitles menu. Uses api(), word() and state from app.js.
"use strict";

(function () {
  const SUBTITLE = /\.(srt|ass|ssa|vtt)$/i;

  function say(text, failed) {
    const message = document.getElementById("subtitle-message");
    if (!message) return;
    message.textContent = text;
    message.classList.toggle("problem", Boolean(failed));
    message.hidden = !text;
  }

  async function add(mediaId, files) {
    files = Array.from(files || []);
    if (!files.length) return;
    const added = [], problems = [], jobs = [];
    let waits = false;
    for (const file of files) {
      if (!SUBTITLE.test(file.name)) {
        problems.push(`${file.name}: not a subtitle file (.srt, .ass, .ssa or .vtt)`);
        continue;
      }
      say(`Adding ${file.name}…`);
      try {
        const done = await api(`/api/v1/media/${mediaId}/subtitles?` +
          new URLSearchParams({ filename: file.name }), { method: "POST", body: file });
        added.push(file.name);
        jobs.push(done.jobId);
        waits = waits || done.waitsForLadder;
      } catch (error) {
        problems.push(`${file.name}: ${error.message || error}`);
      }
    }
    const parts = [];
    if (added.length) parts.push(`Subtitles added: ${added.join(", ")}. ${word("subtitles_added", waits ? "waits" : "updating")}`);
    if (problems.length) parts.push("Not added: " + problems.join("; "));
    say(parts.join(" "), problems.length > 0);
    return jobs;
  }

  window.mediadeskSubtitles = { add, isSubtitle: (file) => SUBTITLE.test(file.name) };
})();
