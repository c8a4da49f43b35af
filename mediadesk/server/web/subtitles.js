// Subtitle files added to the video on its page (the "Add subtitles" button or a drop
// on the page), as the app's drop adds them: the name gives the language and flags
// (Film.fr.forced.srt), a `subtitles` job adds them to the stream without re-encoding
// the video, and once it is done the player loads the stream again where it was, so
// the new track is in the Subtitles menu. The file kinds taken are the vocabulary's
// subtitle_file group (as the server reads them). Uses api(), word() and WORDS.
"use strict";

(function () {
  function extensions() { return Object.keys(WORDS.subtitle_file || {}); }

  function isSubtitle(file) {
    const dot = file.name.lastIndexOf(".");
    return dot > 0 && extensions().includes(file.name.slice(dot + 1).toLowerCase());
  }

  // ".srt, .ass, .ssa or .vtt", for the picker's accept list and the messages.
  function kinds(joiner) {
    const names = extensions().map((ext) => `.${ext}`);
    return joiner ? names.join(",") : names.slice(0, -1).join(", ") + " or " + names.slice(-1);
  }

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
      if (!isSubtitle(file)) {
        problems.push(`${file.name}: not a subtitle file (${kinds()})`);
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

  // The "Add subtitles" control says and accepts what the server takes.
  function offer(label, input) {
    input.accept = kinds(",");
    label.title = `Or drop ${kinds()} files on this page`;
  }

  window.mediadeskSubtitles = { add, isSubtitle, offer };
})();
