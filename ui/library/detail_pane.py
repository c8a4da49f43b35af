"""The detail pane: one media file's metadata, renditions, loudness, waveform,
artifacts and job history. Loaded off the GUI thread and refreshed on events."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain.enums import ArtifactKind, MediaKind
from mediadesk.jobs.views import JobView
from mediadesk.library.views import ArtifactView, MediaFileView
from mediadesk.runtime import Runtime
from ui.format import duration, job_state, resolution, size
from ui.library.thumbnails import load_thumbnail
from ui.tasks import TaskRunner
from ui.throttle import Throttle
from ui.widgets import label, named

JOB_ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Detail:
    media: MediaFileView
    jobs: list[JobView]
    poster: QImage | None
    waveform: QImage | None


def load_detail(runtime: Runtime, media_id: str) -> Detail:
    media = runtime.library.get_media(media_id, detail=True)
    jobs = runtime.jobs.list_jobs(media_file_id=media_id, limit=200).items
    poster = load_thumbnail(runtime.storage, media.id, media.kind, media.original_key)
    waveform = None
    for art in media.artifacts or []:
        if art.kind == ArtifactKind.WAVEFORM_PNG and runtime.storage.exists(art.storage_key):
            with runtime.storage.open_read(art.storage_key) as fh:
                image = QImage.fromData(fh.read())
            waveform = None if image.isNull() else image
    return Detail(media, jobs, poster, waveform)


def _renditions(artifacts: list[ArtifactView]) -> list[str]:
    out = []
    for art in artifacts:
        if art.kind not in (ArtifactKind.HLS_VARIANT, ArtifactKind.AUDIO_HLS):
            continue
        p = art.params
        parts = [str(p.get("name") or art.storage_key.rsplit("/", 2)[-2])]
        if p.get("width") and p.get("height"):
            parts.append(resolution(p["width"], p["height"]))
        for key in ("bitrate", "video_bitrate", "bandwidth"):
            if p.get(key):
                parts.append(f"{int(p[key]) // 1000} kb/s")
                break
        out.append(" · ".join(parts))
    return out


class DetailPane(QScrollArea):
    playRequested = Signal(str)
    masterRequested = Signal(str)
    deleteRequested = Signal(str)
    jobLogRequested = Signal(str)

    def __init__(self, runtime: Runtime, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.runtime = runtime
        self.tasks = tasks
        self.media_id: str | None = None
        self.detail: Detail | None = None
        self.setWidgetResizable(True)
        self.setMinimumWidth(320)
        # The body follows the pane's width; long values wrap instead of scrolling.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A vertical bar that comes and goes as sections fill in would change the body's
        # width after it was laid out, clipping the right edge until the next resize.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)

        self.poster = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.poster.setMinimumHeight(150)
        self.title = label(name="detailTitle", wrap=True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = label(name="detailState", wrap=True)
        buttons = QHBoxLayout()
        self.play_button = QPushButton("Play")
        self.master_button = QPushButton("Master…")
        self.delete_button = QPushButton("Delete")
        for b in (self.play_button, self.master_button, self.delete_button):
            buttons.addWidget(b)
        self.play_button.clicked.connect(lambda: self._emit(self.playRequested))
        self.master_button.clicked.connect(lambda: self._emit(self.masterRequested))
        self.delete_button.clicked.connect(lambda: self._emit(self.deleteRequested))

        self.meta = QFormLayout()
        meta_box = QGroupBox("Metadata")
        meta_box.setLayout(self.meta)
        self.renditions = QLabel(wordWrap=True)
        self.loudness = QLabel(wordWrap=True)
        self.waveform = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.artifacts = QTreeWidget()
        self.artifacts.setHeaderLabels(["Artifact", "Key", "Size"])
        self.artifacts.setRootIsDecorated(False)
        self.jobs = named(QTreeWidget(), "detailJobs")
        self.jobs.setHeaderLabels(["Job", "State", "Attempts", "Created"])
        self.jobs.setRootIsDecorated(False)
        self.jobs.itemDoubleClicked.connect(self._job_double_clicked)

        layout.addWidget(self.poster)
        layout.addWidget(self.title)
        layout.addWidget(self.state)
        layout.addLayout(buttons)
        layout.addWidget(meta_box)
        for caption, widget in (
            ("Renditions", self.renditions),
            ("Loudness", self.loudness),
            ("Waveform", self.waveform),
            ("Artifacts", self.artifacts),
            ("Job history (double-click for the log)", self.jobs),
        ):
            box = QGroupBox(caption)
            QVBoxLayout(box).addWidget(widget)
            layout.addWidget(box)
            if widget is self.waveform:
                self.waveform_box = box
        layout.addStretch(1)

        self._refresh = Throttle(400, self.reload, self)
        self.show_media(None)

    # Loading ----------------------------------------------------------------------

    def show_media(self, media_id: str | None) -> None:
        self.media_id = media_id
        body = self.widget()
        if body is not None:
            body.setEnabled(media_id is not None)
        if media_id is None:
            self.detail = None
            self.title.setText("Nothing selected")
            self.state.setText("Select a file, or drop files here to import them.")
            return
        self.reload()

    def schedule_reload(self, media_id: str | None) -> None:
        if media_id is not None and media_id == self.media_id:
            self._refresh.poke()

    def reload(self) -> None:
        media_id = self.media_id
        if media_id is None:
            return
        runtime = self.runtime
        self.tasks.run(
            lambda: load_detail(runtime, media_id),
            lambda d: self._show(d) if d.media.id == self.media_id else None,
            owner=self,
        )

    def _emit(self, signal: SignalInstance) -> None:
        if self.media_id is not None:
            signal.emit(self.media_id)

    def _job_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        job_id = item.data(0, JOB_ID_ROLE)
        if job_id:
            self.jobLogRequested.emit(job_id)

    # Showing ----------------------------------------------------------------------

    def _show(self, detail: Detail) -> None:
        self.detail = detail
        m = detail.media
        self.title.setText(f"<b>{_escape(m.original_filename)}</b>")
        state = f"{m.status.title()} · {m.kind}"
        if m.error_message:
            state += f"<br><span style='color:#eb5757'>{_escape(m.error_message)}</span>"
        self.state.setText(state)
        if detail.poster is not None:
            self.poster.setPixmap(
                QPixmap.fromImage(detail.poster).scaledToWidth(
                    280, Qt.TransformationMode.SmoothTransformation
                )
            )
        else:
            self.poster.setText(str(m.kind).upper())
        self.master_button.setEnabled(m.kind in (MediaKind.VIDEO, MediaKind.AUDIO))
        self._fill_meta(m)
        arts = m.artifacts or []
        self.renditions.setText("\n".join(_renditions(arts)) or "None yet")
        if m.loudness is not None:
            lo = m.loudness
            self.loudness.setText(
                f"{lo.integrated_lufs:.1f} LUFS integrated · {lo.true_peak_dbtp:.1f} dBTP peak"
                f" · LRA {lo.lra:.1f} LU"
            )
        else:
            self.loudness.setText("Not measured")
        if detail.waveform is not None:
            self.waveform.setPixmap(
                QPixmap.fromImage(detail.waveform).scaledToWidth(
                    280, Qt.TransformationMode.SmoothTransformation
                )
            )
        else:
            self.waveform.setText("No waveform")
        # Audio always has the section (its waveform is on the way); video only if made.
        self.waveform_box.setVisible(m.kind == MediaKind.AUDIO or detail.waveform is not None)
        self.artifacts.clear()
        for art in arts:
            QTreeWidgetItem(self.artifacts, [str(art.kind), art.storage_key, size(art.size_bytes)])
        self.jobs.clear()
        for job in detail.jobs:
            item = QTreeWidgetItem(
                self.jobs,
                [
                    job.type,
                    job_state(
                        job.status,
                        cancel_requested=job.cancel_requested,
                        error_code=job.error_code,
                    ),
                    f"{job.attempts}/{job.max_attempts}",
                    job.created_at.astimezone().strftime("%H:%M:%S"),
                ],
            )
            item.setData(0, JOB_ID_ROLE, job.id)
            if job.error_message:
                item.setToolTip(1, job.error_message)

    def _fill_meta(self, m: MediaFileView) -> None:
        while self.meta.rowCount():
            self.meta.removeRow(0)
        rows = [
            ("Duration", duration(m.duration_seconds)),
            ("Resolution", resolution(m.width, m.height)),
            ("Frame rate", f"{m.frame_rate:.3g} fps" if m.frame_rate else ""),
            ("Video", m.video_codec or ""),
            ("Audio", m.audio_codec or ""),
            ("Bit rate", f"{m.bit_rate // 1000} kb/s" if m.bit_rate else ""),
            ("Type", m.mime),
            ("Size", size(m.size_bytes)),
            ("Added", m.created_at.astimezone().strftime("%Y-%m-%d %H:%M")),
            ("Tags", ", ".join(m.tags)),
            ("Source", m.source_url or ""),
            ("SHA-256", m.sha256[:16] + "…"),
            ("Id", m.id),
        ]
        for caption, value in rows:
            if value:
                field = label(value, wrap=True, selectable=True)
                self.meta.addRow(caption, field)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
