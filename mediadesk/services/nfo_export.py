"""``library export-nfo``: the catalogue written back as Kodi/Jellyfin NFO files.

For every movie, series and episode whose media sits in a library folder, the NFO
Kodi and Jellyfin read is written beside it (``movie.nfo`` or ``<name>.nfo``,
``tvshow.nfo``, ``<episode>.nfo``: see ``domain/kodi.py``), so the library moves to
them and back with its titles, years, plots, genres and ids. Files MediaDesk manages
(``originals/{id}``) have no folder of the user's to write into and are left out.

A user's own NFO is never replaced unless asked (``overwrite``): what MediaDesk wrote
carries a digest of its content (``domain/nfo.py``), and only an NFO whose digest
still matches is rewritten freely. Each file is written to a temporary name and
renamed, so a reader never sees half an NFO; one that cannot be written (a read-only
share) is reported and the rest go on.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediadesk.domain.catalogue import episode_code, movie_label
from mediadesk.domain.kodi import (
    episode_nfo_path,
    is_movie_folder,
    movie_nfo_path,
    show_folder,
    tvshow_nfo_path,
)
from mediadesk.domain.nfo import NfoDocument, NfoKind, render_nfo, written_by_us
from mediadesk.fsutil import replace_durably
from mediadesk.library.catalogue_models import CatalogueFile, Episode, Movie, Season, Series
from mediadesk.library.db import Database
from mediadesk.library.models import MediaFile
from mediadesk.library.views import NfoExportReport, NfoFileView
from mediadesk.services.catalogue_read import external_ids
from mediadesk.services.folder_catalogue import folder_names, video_stems

log = logging.getLogger(__name__)

# Where a media file lives on the user's disk, or ``None`` for a file MediaDesk manages.
Locate = Callable[[MediaFile], Path | None]


def referenced_path(media: MediaFile) -> Path | None:
    """A library folder's file is where it is; a managed one has no folder of the user's,
    and a missing or deleted one none any more."""
    if not media.original_path or media.missing_since or media.deleted_at:
        return None
    return Path(media.original_path)


@dataclass(frozen=True)
class _Planned:
    path: Path
    doc: NfoDocument
    entry_kind: str
    entry_id: str
    label: str


def _within(path: Path, folder: Path | None) -> bool:
    return folder is None or path.is_relative_to(folder)


class NfoExportService:
    def __init__(self, db: Database, locate: Locate = referenced_path) -> None:
        self.db = db
        self.locate = locate

    def export(self, folder: Path | None = None, overwrite: bool = False) -> NfoExportReport:
        """Write the NFOs (only under ``folder`` if given); what happened to each."""
        root = Path(folder).absolute() if folder is not None else None
        with self.db.read() as s:
            planned = [*self._movies(s, root), *self._series(s, root)]
        files = [self._write(p, overwrite) for p in planned]
        count = {o: sum(1 for f in files if f.outcome == o) for o in ("written", "unchanged")}
        return NfoExportReport(
            written=count["written"],
            unchanged=count["unchanged"],
            kept=sum(1 for f in files if f.outcome == "kept"),
            failed=sum(1 for f in files if f.outcome == "failed"),
            files=files,
        )

    # Planning (inside one read transaction) ---------------------------------------------

    def _paths(self, files: Iterable[CatalogueFile], root: Path | None) -> list[Path]:
        out = []
        for f in files:
            path = self.locate(f.media_file)
            if path is not None and _within(path, root):
                out.append(path)
        return out

    def _movies(self, s: Session, root: Path | None) -> list[_Planned]:
        movies = s.scalars(
            select(Movie).options(
                selectinload(Movie.files).selectinload(CatalogueFile.media_file),
                selectinload(Movie.external_ids),
            )
        )
        out: dict[Path, _Planned] = {}
        for movie in movies:
            doc = NfoDocument(
                kind=NfoKind.MOVIE,
                title=movie.title,
                original_title=movie.original_title,
                sort_title=movie.sort_title,
                year=movie.year,
                plot=movie.overview,
                genres=tuple(movie.genres or []),
                ids=external_ids(movie.external_ids),
                aired=movie.release_date,
            )
            for video in self._paths(movie.files, root):
                names = folder_names(video.parent)
                own = is_movie_folder(video.parent.name, video_stems(names))
                path = Path(movie_nfo_path(video, names, own))
                out.setdefault(
                    path,
                    _Planned(path, doc, "movie", movie.id, movie_label(movie.title, movie.year)),
                )
        return list(out.values())

    def _series(self, s: Session, root: Path | None) -> list[_Planned]:
        series_rows = s.scalars(
            select(Series).options(
                selectinload(Series.external_ids),
                selectinload(Series.seasons)
                .selectinload(Season.episodes)
                .selectinload(Episode.files)
                .selectinload(CatalogueFile.media_file),
                selectinload(Series.seasons)
                .selectinload(Season.episodes)
                .selectinload(Episode.external_ids),
            )
        )
        out: dict[Path, _Planned] = {}
        for series in series_rows:
            shows: list[Path] = []
            for season in series.seasons:
                for episode in season.episodes:
                    code = episode_code(season.number, episode.number, episode.end_number)
                    doc = NfoDocument(
                        kind=NfoKind.EPISODE,
                        title=episode.title,
                        show_title=series.title,
                        season=season.number,
                        episode=episode.number,
                        end_episode=episode.end_number,
                        plot=episode.overview,
                        aired=episode.air_date,
                        ids=external_ids(episode.external_ids),
                    )
                    for video in self._paths(episode.files, root):
                        path = Path(episode_nfo_path(video, folder_names(video.parent)))
                        label = f"{series.title} {code}"
                        out.setdefault(path, _Planned(path, doc, "episode", episode.id, label))
                        shows.append(Path(show_folder(video)))
            show_doc = NfoDocument(
                kind=NfoKind.TVSHOW,
                title=series.title,
                original_title=series.original_title,
                sort_title=series.sort_title,
                year=series.year,
                plot=series.overview,
                genres=tuple(series.genres or []),
                ids=external_ids(series.external_ids),
            )
            for show in dict.fromkeys(shows):
                path = Path(tvshow_nfo_path(show, folder_names(show)))
                out.setdefault(path, _Planned(path, show_doc, "series", series.id, series.title))
        return list(out.values())

    # Writing ----------------------------------------------------------------------------

    def _write(self, plan: _Planned, overwrite: bool) -> NfoFileView:
        def result(outcome: str, reason: str | None = None) -> NfoFileView:
            return NfoFileView(
                path=str(plan.path),
                entry_kind=plan.entry_kind,
                entry_id=plan.entry_id,
                label=plan.label,
                outcome=outcome,
                reason=reason,
            )

        data = render_nfo(plan.doc)
        try:
            old = plan.path.read_bytes() if plan.path.is_file() else None
        except OSError as exc:
            return result("failed", f"could not read the NFO there: {exc.strerror or exc}")
        if old == data:
            return result("unchanged")
        if old is not None and not overwrite and not written_by_us(old):
            return result("kept", "the NFO there is not MediaDesk's; --overwrite replaces it")
        tmp = plan.path.with_name(f".{plan.path.name}.mediadesk-tmp")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            replace_durably(tmp, plan.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            log.warning("could not write %s: %s", plan.path, exc)
            return result("failed", f"could not write it: {exc.strerror or exc}")
        return result("written")
