// The library as shelves: Continue watching, Recently added, Movies, Series (-> seasons
// -> episodes), Albums (-> songs in track order), Other media. Cards come from
// /api/v1/browse/*, which gives a picture URL only when the picture exists; otherwise
// the card draws a placeholder for its kind, so the page never shows a broken image.
// Uses api() and el() from app.js.
"use strict";

const SYMBOLS = { video: "\u25B6", audio: "\u266A", image: "\u25A3", series: "\u25A4" };
const WORDS = { media_status: {}, job_status: {}, job_type: {}, media_kind: {} };

async function loadWords() {
  try { Object.assign(WORDS, await api("/api/v1/vocabulary")); } catch (e) { /* keep codes */ }
}

function word(group, code) { return (WORDS[group] && WORDS[group][code]) || code; }
// "watched", or "played" for a song (vocabulary.FINISHED).
function finishedWord(kind) { return (WORDS.finished && WORDS.finished[kind]) || "watched"; }
function capitalised(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

function clock(s) {
  if (s == null) return "";
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? `${h}:${String(m).padStart(2, "0")}` : `${m}`) + `:${String(sec).padStart(2, "0")}`;
}

function picture(card) {
  if (card.posterUrl) {
    // An album's square cover is shown whole (as the app's tile does), not cropped.
    const fit = card.placeholder === "audio" ? "thumb whole" : "thumb";
    const img = el("img", { class: fit, alt: "", loading: "lazy", src: card.posterUrl });
    // A picture that fails anyway (deleted meanwhile) becomes the placeholder.
    img.onerror = () => img.replaceWith(placeholder(card));
    return img;
  }
  return placeholder(card);
}

function placeholder(card) {
  return el("div", { class: `thumb placeholder ${card.placeholder}`, role: "img", "aria-label": card.placeholder },
    SYMBOLS[card.placeholder] || "?");
}

function cardLink(card) {
  if (card.kind === "series") return `#/series/${card.id}`;
  if (card.kind === "album") return `#/album/${encodeURIComponent(card.id)}`;
  if (card.mediaFileId) return `#/media/${card.mediaFileId}`;
  return null;
}

function renderCard(card) {
  const meta = el("div", { class: "meta" },
    el("div", { class: "name", title: card.title }, card.title),
    el("div", { class: "muted small" }, card.subtitle || ""));
  if (card.status && card.status !== "READY") {
    meta.append(el("span", { class: `badge ${card.status}` }, word("media_status", card.status)));
  }
  const pic = el("div", { class: "picture" }, picture(card));
  if (card.watched) {
    pic.append(el("span", { class: "watched", title: capitalised(finishedWord(card.placeholder)) }, "\u2713"));
  }
  if (card.positionS > 0 && card.durationS) {
    const bar = el("div", { class: "progress" }, el("div", { class: "done" }));
    bar.firstChild.style.width = `${Math.min(100, (100 * card.positionS) / card.durationS)}%`;
    pic.append(bar);
  }
  const href = cardLink(card);
  const body = href ? el("a", { href }, pic, meta) : el("div", { class: "nolink", title: "No file yet" }, pic, meta);
  return el("li", { class: `card ${card.kind}`, "data-id": card.id, "data-kind": card.kind }, body);
}

function shelf(title, cards, id, empty) {
  const list = el("ul", { class: "grid", id });
  list.replaceChildren(...cards.map(renderCard));
  const section = el("section", { class: "shelf", "data-shelf": id }, el("h2", {}, title));
  section.append(cards.length ? list : el("p", { class: "muted" }, empty));
  return section;
}

async function showLibrary() {
  const view = document.getElementById("view");
  view.replaceChildren(document.getElementById("library-tpl").content.cloneNode(true));
  const search = document.getElementById("search");
  const sort = document.getElementById("sort");
  sort.value = localStorage.getItem("mediadesk.sort") || "title";
  sort.onchange = () => { localStorage.setItem("mediadesk.sort", sort.value); loadShelves(""); };
  search.oninput = () => loadShelves(search.value.trim());
  document.getElementById("show").onchange = () => loadShelves(search.value.trim());
  // Reset after each pick: the same file chosen again (after a failure) uploads again.
  document.getElementById("upload-input").onchange = (e) => { upload(Array.from(e.target.files)); e.target.value = ""; };
  await loadShelves("");
  state.timer = setInterval(() => loadShelves(search.value.trim()), 5000);
}

// "Show": everything (the shelves), or only the damaged or missing files of the folders.
const SHOW = {
  damaged: { params: { health: "DAMAGED" }, title: "Damaged", empty: "No file was found damaged. A health check decodes a file whole." },
  missing: { params: { missing: "true" }, title: "Missing", empty: "No file is missing from its library folder." },
};

async function loadShelves(query) {
  const target = document.getElementById("shelves");
  if (!target) return;
  const show = SHOW[(document.getElementById("show") || {}).value || ""];
  if (query || show) {
    const params = { limit: 96, ...(query ? { search: query } : {}), ...(show ? show.params : {}) };
    const page = await api("/api/v1/media?" + new URLSearchParams(params));
    const cards = page.items.map((m) => ({
      kind: "media", id: m.id, title: m.song ? m.song.title : m.display_title,
      subtitle: (m.song && m.song.artist) || word("media_kind", m.kind),
      posterUrl: null, placeholder: m.kind, mediaFileId: m.id, status: m.state || m.status,
    }));
    const title = show ? `${show.title}: ${page.total}` : `Found ${page.total}`;
    target.replaceChildren(shelf(title, cards, "found", show ? show.empty : "Nothing matches."));
    return;
  }
  const sort = localStorage.getItem("mediadesk.sort") || "title";
  const home = await api("/api/v1/browse/home?" + new URLSearchParams({ sort }));
  if (!document.getElementById("shelves")) return;
  const sections = [];
  if (home.continueWatching.length) sections.push(shelf("Continue watching", home.continueWatching, "continue", ""));
  sections.push(
    shelf("Recently added", home.recentlyAdded, "recent", "Nothing added in the last 30 days."),
    shelf("Movies", home.movies, "movies", "No movies yet: upload a file named like Title (2019).mp4."),
    shelf("Series", home.series, "series", "No series yet: files named like Show.S01E02.mp4 become episodes."));
  if (home.albums.length) sections.push(shelf("Albums", home.albums, "albums", ""));
  sections.push(shelf("Other media", home.other, "other", "Every file is in a movie, a series or an album."));
  if (home.damaged.length) sections.push(shelf("Damaged", home.damaged, "damaged", ""));
  if (home.missing.length) sections.push(shelf("Missing", home.missing, "missing", ""));
  target.replaceChildren(...sections);
}

async function showSeries(id) {
  const view = document.getElementById("view");
  const page = await api(`/api/v1/browse/series/${id}`);
  const header = el("div", { class: "series-head" },
    el("div", { class: "picture big" }, picture(page.series)),
    el("div", {}, el("p", {}, el("a", { href: "#/" }, "\u2190 Library")),
      el("h1", {}, page.series.title), el("p", { class: "muted" }, page.series.subtitle),
      el("p", {}, page.overview || "")));
  const seasons = page.seasons.map((season) =>
    shelf(season.title, season.episodes, `season-${season.number}`, "No episode of this season has a file."));
  view.replaceChildren(header, ...seasons);
}

// An album: its cover, who it is by, its songs in disc and track order.
async function showAlbum(key) {
  const view = document.getElementById("view");
  const page = await api("/api/v1/browse/album?" + new URLSearchParams({ key }));
  const header = el("div", { class: "series-head" },
    el("div", { class: "picture big" }, picture(page.album)),
    el("div", {}, el("p", {}, el("a", { href: "#/" }, "\u2190 Library")),
      el("h1", {}, page.album.title), el("p", { class: "muted" }, page.album.subtitle)));
  view.replaceChildren(header, shelf("Songs", page.songs, "songs", "No song of this album is left."));
}
