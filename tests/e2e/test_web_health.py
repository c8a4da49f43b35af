"""The web page's "Damaged" and "Missing" views in Chromium, over a real library folder:
a file with a corrupted stretch, checked by a real health check, and a file that left the
folder. The home page grows a shelf for each; the "Show" filter lists them alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mediadesk.domain import vocabulary as words
from mediadesk.domain.folders import FolderKind, HealthState
from mediadesk.runtime import Runtime
from mediadesk.server.host import ServerHost
from mediadesk.services.library import MediaFilter
from tests.e2e.test_players import chromium_page
from tests.integration.test_health import LIGHT, TEN_SECONDS, corrupt_middle, finished
from tests.media import Clip, make_clip
from tests.serverkit import serving_home
from tests.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[tuple[ServerHost, dict[str, str]]]:
    clean_src = make_clip(tmp_path / "media", TEN_SECONDS)
    folder_path = tmp_path / "Films"
    folder_path.mkdir()
    (folder_path / "Clean Film (2020).mkv").write_bytes(clean_src.read_bytes())
    # Other bytes: two identical files would be one media file in two places.
    other = make_clip(tmp_path / "media", Clip(container="mkv", seed="gone"))
    (folder_path / "Gone Film (2021).mkv").write_bytes(other.read_bytes())
    corrupt_middle(clean_src, folder_path / "Broken Film (2019).mkv")
    with serving_home(tmp_path / "home", **LIGHT) as host:
        rt = host.state.runtime if host.state else None
        assert isinstance(rt, Runtime)
        folder = rt.folders.add(folder_path, kind=FolderKind.MOVIES)
        rt.folders.scan(folder.id)
        wait_until(lambda: rt.folders.get(folder.id).waiting == 0, "the files to be read")
        ids = {m.original_filename: m.id for m in rt.library.list_media(MediaFilter()).items}
        jobs = finished(rt, rt.health.check(list(ids.values())))
        assert all(j.status == "COMPLETED" for j in jobs), [j.error_message for j in jobs]
        damaged = rt.library.get_media(ids["Broken Film (2019).mkv"])
        assert damaged.health == HealthState.DAMAGED
        (folder_path / "Gone Film (2021).mkv").unlink()
        rt.folders.scan(folder.id)
        yield host, ids


def card_ids(page, shelf: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        page.eval_on_selector_all(
            f"section[data-shelf='{shelf}'] li.card", "cs => cs.map(c => c.dataset.id)"
        )
    )


def shown_alone(page, show: str, heading: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Pick ``show`` in the "Show" menu; the ids its one shelf lists once titled."""
    page.select_option("#show", show)
    page.wait_for_function(
        "h => { const e = document.querySelector(\"section[data-shelf='found'] h2\");"
        " return e && e.textContent === h; }",
        arg=heading,
        timeout=30_000,
    )
    return card_ids(page, "found")


def card_titles(page, shelf: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        page.eval_on_selector_all(
            f"section[data-shelf='{shelf}'] li.card",
            "cards => cards.map(c => c.querySelector('.name').textContent)",
        )
    )


def test_damaged_and_missing_shelves_and_filter(
    library: tuple[ServerHost, dict[str, str]], tmp_path: Path
) -> None:
    host, ids = library
    broken, gone = ids["Broken Film (2019).mkv"], ids["Gone Film (2021).mkv"]
    with chromium_page(tmp_path / "profile") as (page, errors):
        page.goto(host.web_url(), timeout=60_000)
        # Home: a shelf each, holding that file and no other.
        page.wait_for_selector("section[data-shelf='damaged'] li.card", timeout=30_000)
        page.wait_for_selector("section[data-shelf='missing'] li.card", timeout=30_000)
        assert card_ids(page, "damaged") == [broken]
        assert card_ids(page, "missing") == [gone]
        # Titles, not file names.
        assert card_titles(page, "damaged") == ["Broken Film"]
        assert card_titles(page, "missing") == ["Gone Film"]
        # Each card says it too, in the app's words (its outputs may well be Ready).
        badges = {
            shelf: page.inner_text(f"section[data-shelf='{shelf}'] li.card .badge")
            for shelf in ("damaged", "missing")
        }
        assert badges == {"damaged": "Damaged", "missing": "Missing"}
        # Its page says where it was, in the app's sentence.
        page.goto(f"{host.url}/#/media/{gone}", timeout=60_000)
        page.wait_for_selector("#details dt:text('Where')", timeout=30_000)
        where = page.inner_text("#details dt:text('Where') + dd")
        gone_path = host.state.runtime.library.get_media(gone).original_path if host.state else ""
        assert where == words.where_words(gone_path, missing=True)
        assert where.startswith("Missing from ") and str(gone_path) in where
        page.goto(host.web_url(), timeout=60_000)
        page.wait_for_selector("section[data-shelf='missing'] li.card", timeout=30_000)

        # "Show" lists each kind alone, with its count in people's words.
        assert shown_alone(page, "damaged", "Damaged: 1") == [broken]
        assert shown_alone(page, "missing", "Missing: 1") == [gone]

        # Back to everything: the shelves return.
        page.select_option("#show", "")
        page.wait_for_selector("section[data-shelf='movies']", timeout=30_000)

        # The storage view says the folder's originals are read in place, in the words
        # the CLI and the app use.
        rt = host.state.runtime if host.state else None
        assert rt is not None
        page.goto(f"{host.url}/#/storage", timeout=60_000)
        page.wait_for_selector("#storage-summary", timeout=30_000)
        summary = page.text_content("#storage-summary")
        read = rt.library.storage_stats(None)  # no budget is set here
        assert summary == read.summary
        assert "In library folders, read in place: " in (summary or "")
        assert page.text_content("#storage-ladder") == read.ladder_summary
        # Each version's picture quality in the app's words ("—" where not measured).
        cells = page.locator("#storage-renditions tbody tr td:nth-child(5)").all_inner_texts()
        assert cells == [r.picture or "—" for r in read.renditions]
        assert errors == []
