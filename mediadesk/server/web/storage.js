// Storage view (#/storage): where the library's bytes go, from GET /api/v1/library/stats.
// Sizes go through app.js's fmtSize and output kinds through the shared vocabulary.
"use strict";

function perHour(n) { return n == null ? "—" : `${fmtSize(n)} per hour`; }

function statsTable(headers, rows) {
  const head = el("tr", {}, ...headers.map((h) => el("th", {}, h)));
  const body = rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", {}, String(c)))));
  return el("table", { class: "stats" }, el("thead", {}, head), el("tbody", {}, ...body));
}

async function showStorage() {
  const view = document.getElementById("view");
  const stats = await api("/api/v1/library/stats");
  const summary = el("p", { id: "storage-summary" }, stats.summary);
  const outputs = statsTable(["Output", "Size", "Files"],
    stats.outputs.map((o) => [word("output_kind", o.kind), fmtSize(o.bytes), o.files]));
  const renditions = statsTable(["Version", "Titles", "Size", "Per hour", "Picture"],
    stats.renditions.map((r) => [r.name, r.titles, fmtSize(r.bytes), perHour(r.bytes_per_hour),
      r.picture || "—"]));
  renditions.id = "storage-renditions";
  const ladder = stats.ladder_summary;  // the app's and the CLI's words
  view.replaceChildren(el("p", {}, el("a", { href: "#/" }, "← Library")), el("h1", {}, "Storage"),
    summary, el("h2", {}, "Outputs"), outputs, el("h2", {}, "Streaming versions"), renditions,
    el("p", { id: "storage-ladder" }, ladder));
}
