"""A failed step on the web page: its problem in the jobs table, with a Retry button
that runs it again (Chromium against the real server and workers)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e.test_players import chromium_page
from tests.media import Clip, make_clip
from tests.serverkit import auth, import_ready, serving
from tests.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_failed_step_has_a_retry_button(home: Path, media_dir: Path, tmp_path: Path) -> None:
    silent = make_clip(media_dir, Clip(audio=False, seed="web-retry"), "silent.mp4")
    with serving() as host:
        media_id = import_ready(host, silent)
        # A loudness measurement of a file with no sound: a step that fails, with a reason.
        made = httpx.post(
            f"{host.url}/api/v1/jobs",
            json={"type": "loudness", "mediaFileId": media_id},
            headers=auth(host),
        )
        assert made.status_code == 201, made.text
        job_id = made.json()["id"]

        def job() -> dict[str, object]:
            return httpx.get(f"{host.url}/api/v1/jobs/{job_id}", headers=auth(host)).json()

        failed = wait_until(job, "the step to fail", until=lambda j: j["status"] == "FAILED")
        with chromium_page(tmp_path / "profile") as (page, errors):
            page.goto(host.web_url(), timeout=60_000)
            page.goto(f"{host.url}/#/media/{media_id}", timeout=60_000)
            row = f"#jobs tr[data-job='{job_id}']"
            page.wait_for_selector(f"{row} button.retry", timeout=30_000)
            assert page.is_visible("#jobs th.col-problem")  # the Problem column is shown
            assert str(failed["error_message"]) in page.inner_text(row)
            page.eval_on_selector(row, "r => { r.dataset.before = 'retry'; }")
            page.click(f"{row} button.retry")
            wait_until(job, "the step to run again", until=lambda j: j["attempts"] == 2)
            # It fails again (the file has no sound): the page shows it, with Retry again.
            page.wait_for_function(
                "(row) => { const r = document.querySelector(row);"
                " return r && r.dataset.before === undefined"  # drawn again since the click
                " && r.querySelector('td:nth-child(2)').textContent === 'Failed'"
                " && r.querySelector('button.retry') !== null; }",
                arg=row,
                timeout=60_000,
            )
            assert errors == []
