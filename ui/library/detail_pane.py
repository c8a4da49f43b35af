"""The detail pane: what a file is (its title, the movie or episode it belongs to, where
playback stopped), its state in people's words, streaming versions, loudness, waveform
and jobs; ids, hashes, storage keys and presets wait in a collapsed "Technical details".
Loaded off the GUI thread and refreshed on events; an empty selection empties it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import ArtifactKind, MediaKind
from mediadesk.handlers.loudness import LoudnessJob
from mediadesk.jobs.views import JobView
from mediadesk.library.views import MediaFileView
from mediadesk.runtime import Runtime
from ui.format import duration, resolution, size
from ui.icons import icon
from ui.library.detail_words import (
    belongs_to,
    breakable,
    escape,
    health_line,
    playback_line,
    renditions,
    what_next,
)
from ui.library.thumbnails import load_thumbnail
from ui.tasks import TaskRunner, describe
from ui.throttle import Throttle
from ui.widgets import Collapsible, label, named, stacked

JOB_ID_ROLE = Qt.ItemDataRole.UserRole + 1
POSTER_WIDTH = 280


@dataclass(frozen=True)
class Detail:
    media: MediaFileView
    jobs: list[JobView]
    poster: QImage | None
    waveform: QImage | None


def load_detail(runtime: Runtime, media_id: str) -> Detail:
    media = runtime.library.get_media(media_id, detail=True)
    jobs = runtime.jobs.list_jobs(media_file_id=media_id, limit=200).items
    first = media.catalogue.poster_keys if media.catalogue is not None else []
    poster = load_thumbnail(runtime.storage, media.id, media.kind, media.original_key, first)
    waveform = None
    for art in media.artifacts or []:
        if art.kind == ArtifactKind.WAVEFORM_PNG and runtime.storage.exists(art.storage_key):
            with runtime.storage.open_read(art.storage_key) as fh:
                image = QImage.fromData(fh.read())
            waveform = None if image.isNull() else image
    return Detail(media, jobs, poster, waveform)


class DetailPane(QScrollArea):
    playRequested = Signal(str)
    masterRequested = Signal(str)
    deleteRequested = Signal(str)
    editRequested = Signal(str)
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
        self.entry = label(name="detailEntry", wrap=True)
        self.state = label(name="detailState", wrap=True)
        self.played = label(name="detailPlayback", wrap=True)
        # Two rows of two: the buttons never push the pane wider than it is.
        buttons = QGridLayout()
        self.play_button = QPushButton(icon("play"), "Play")
        self.edit_button = QPushButton(icon("edit"), "Edit…")
        self.master_button = QPushButton(icon("master"), "Master…")
        self.delete_button = QPushButton(icon("delete"), "Delete")
        for n, b in enumerate(
            (self.play_button, self.edit_button, self.master_button, self.delete_button)
        ):
            buttons.addWidget(b, n // 2, n % 2)
        self.play_button.clicked.connect(lambda: self._emit(self.playRequested))
        self.edit_button.clicked.connect(lambda: self._emit(self.editRequested))
        self.master_button.clicked.connect(lambda: self._emit(self.masterRequested))
        self.delete_button.clicked.connect(lambda: self._emit(self.deleteRequested))
        self.buttons = QWidget()
        self.buttons.setLayout(buttons)

        self.meta = QFormLayout()
        self.meta_box = QGroupBox("Details")
        self.meta_box.setLayout(self.meta)
        self.renditions = QLabel(wordWrap=True)
        self.loudness = QLabel(wordWrap=True)
        self.measure_button = QPushButton("Measure")
        self.measure_button.setObjectName("measureLoudness")
        self.measure_button.setToolTip("Measure its EBU R128 loudness (a job)")
        self.measure_button.clicked.connect(self.measure_loudness)
        loudness_row = QWidget()
        row = QHBoxLayout(loudness_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.loudness, 1)
        row.addWidget(self.measure_button)
        self.waveform = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.jobs = named(QTreeWidget(), "detailJobs")
        self.jobs.setHeaderLabels(["Step", "State", "Tries", "Started"])
        self.jobs.setRootIsDecorated(False)
        self.jobs.itemDoubleClicked.connect(self._job_double_clicked)
        # Every column in the pane's width: the step takes what the others leave.
        header = self.jobs.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

        self.technical = QFormLayout()
        self.artifacts = QTreeWidget()
        self.artifacts.setHeaderLabels(["Artifact", "Key", "Size", "Preset"])
        self.artifacts.setRootIsDecorated(False)
        self.technical_section = Collapsible(
            "Technical details", stacked(self.technical, self.artifacts)
        )

        layout.addWidget(self.poster)
        layout.addWidget(self.title)
        layout.addWidget(self.entry)
        layout.addWidget(self.state)
        layout.addWidget(self.played)
        layout.addWidget(self.buttons)
        layout.addWidget(self.meta_box)
        self.sections: list[QGroupBox] = [self.meta_box]
        for caption, widget in (
            ("Streaming versions", self.renditions),
            ("Loudness", loudness_row),
            ("Waveform", self.waveform),
            ("Processing (double-click a step for its log)", self.jobs),
        ):
            box = QGroupBox(caption)
            QVBoxLayout(box).addWidget(widget)
            layout.addWidget(box)
            self.sections.append(box)
            if widget is self.waveform:
                self.waveform_box = box
            if widget is loudness_row:
                self.loudness_box = box
        layout.addWidget(self.technical_section)
        layout.addStretch(1)

        self._refresh = Throttle(400, self.reload, self)
        self.show_media(None)

    # Loading ----------------------------------------------------------------------

    def show_media(self, media_id: str | None, empty: str = "") -> None:
        """Show a file, or (``None``) nothing at all: never the previous file."""
        self.media_id = media_id
        if media_id is None:
            self.detail = None
            self.poster.clear()
            self.title.setText("<b>Nothing selected</b>")
            self.entry.setText(empty or "Select a file to see what it is and play it.")
            for widget in (self.state, self.played):
                widget.clear()
            for hidden in (self.buttons, self.technical_section, *self.sections):
                hidden.setVisible(False)
            return
        self.reload()

    def schedule_reload(self, media_id: str | None) -> None:
        if media_id is not None and media_id == self.media_id:
            self._refresh.poke()

    def reload_soon(self) -> None:
        """Anything may have changed (the catalogue, many tags): read the file again, once
        for a burst of changes. A folder attaching thousands of files sends thousands of
        events; one read each held the GUI thread for 40 s."""
        if self.media_id is not None:
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
            latest=self,  # an older read finishing later is dropped
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
        for shown in (self.buttons, self.technical_section, *self.sections):
            shown.setVisible(True)
        self.title.setText(f"<b>{escape(m.display_title)}</b>")
        self.entry.setText(escape(belongs_to(m)))
        state = f"{words.media_status(m.state)} · {words.media_kind(m.kind)}"
        if m.error_message:
            state += f"<br><span style='color:#eb5757'>{escape(m.error_message)}</span>"
            state += f"<br>{escape(what_next(m))}"
        self.state.setText(state)
        self.played.setText(playback_line(m))
        if detail.poster is not None:
            self.poster.setPixmap(
                QPixmap.fromImage(detail.poster).scaledToWidth(
                    POSTER_WIDTH, Qt.TransformationMode.SmoothTransformation
                )
            )
        else:
            self.poster.setText(words.media_kind(m.kind))
        self.play_button.setEnabled(m.kind != MediaKind.IMAGE)
        # A file in no movie or series has no entry to edit: the button says what it does.
        attached = m.catalogue is not None
        self.edit_button.setText("Edit…" if attached else "Attach to…")
        self.edit_button.setIcon(icon("edit" if attached else "attach"))
        self.master_button.setEnabled(m.kind in (MediaKind.VIDEO, MediaKind.AUDIO))
        self._fill_meta(m)
        arts = m.artifacts or []
        self.renditions.setText("\n".join(renditions(arts)) or "None yet")
        self._show_loudness(detail)
        if detail.waveform is not None:
            self.waveform.setPixmap(
                QPixmap.fromImage(detail.waveform).scaledToWidth(
                    POSTER_WIDTH, Qt.TransformationMode.SmoothTransformation
                )
            )
        else:
            self.waveform.setText("No waveform")
        # Audio always has the section (its waveform is on the way); video only if made.
        self.waveform_box.setVisible(m.kind == MediaKind.AUDIO or detail.waveform is not None)
        self.artifacts.clear()
        for art in arts:
            preset = f"{art.preset_id} v{art.preset_version}" if art.preset_id else ""
            QTreeWidgetItem(
                self.artifacts, [str(art.kind), art.storage_key, size(art.size_bytes), preset]
            )
        self.jobs.clear()
        # In the order they ran, as the file went through them (the list comes newest
        # first, as the jobs tab shows it).
        for job in sorted(detail.jobs, key=lambda j: j.created_at):
            started = job.started_at or job.created_at
            item = QTreeWidgetItem(
                self.jobs,
                [
                    words.job_type(job.type),
                    words.job_state(
                        job.status,
                        cancel_requested=job.cancel_requested,
                        error_code=job.error_code,
                    ),
                    f"{job.attempts}/{job.max_attempts}",
                    started.astimezone().strftime("%H:%M:%S"),
                ],
            )
            item.setData(0, JOB_ID_ROLE, job.id)
            if job.error_message:
                item.setToolTip(1, job.error_message)

    def _show_loudness(self, detail: Detail) -> None:
        """The measured loudness; else whether it is being measured, or a Measure button."""
        m = detail.media
        has_audio = m.kind != MediaKind.IMAGE and (m.probe is None or m.probe.audio is not None)
        self.loudness_box.setVisible(has_audio)
        self.loudness.setStyleSheet("")
        measuring = any(
            j.type == LoudnessJob.name and not j.status.is_terminal for j in detail.jobs
        )
        if m.loudness is not None:
            lo = m.loudness
            self.loudness.setText(
                f"{lo.integrated_lufs:.1f} LUFS integrated · {lo.true_peak_dbtp:.1f} dBTP peak"
                f" · LRA {lo.lra:.1f} LU"
            )
        else:
            self.loudness.setText("Measuring…" if measuring else "Not measured")
        self.measure_button.setVisible(m.loudness is None and not measuring)

    def measure_loudness(self) -> None:
        """Start a loudness job for the file shown; the pane reloads when it ends."""
        media_id = self.media_id
        if media_id is None:
            return
        self.measure_button.setVisible(False)
        self.loudness.setText("Measuring…")
        mastering = self.runtime.mastering

        def failed(exc: BaseException) -> None:
            if self.media_id == media_id:
                self.loudness.setStyleSheet("color: #eb5757")
                self.loudness.setText(f"Could not measure: {describe(exc)}")

        self.tasks.run(lambda: mastering.measure(media_id), lambda _job: None, failed, owner=self)

    def _fill_meta(self, m: MediaFileView) -> None:
        for form in (self.meta, self.technical):
            while form.rowCount():
                form.removeRow(0)
        rows = [
            ("Duration", duration(m.duration_seconds)),
            ("Picture", resolution(m.width, m.height)),
            ("Frame rate", f"{m.frame_rate:.3g} fps" if m.frame_rate else ""),
            ("Video", words.codec_name(m.video_codec)),
            ("Audio", words.codec_name(m.audio_codec)),
            ("Bit rate", f"{m.bit_rate // 1000} kb/s" if m.bit_rate else ""),
            ("Size", size(m.size_bytes)),
            ("Added", m.created_at.astimezone().strftime("%Y-%m-%d %H:%M")),
            ("Tags", ", ".join(m.tags)),
            ("From", m.source_url or ""),
            ("Where", words.where_words(m.original_path, m.missing)),
            ("Health", health_line(m)),
        ]
        technical = [
            ("File", m.original_filename),
            ("Type", m.mime),
            ("Container", m.container or ""),
            ("SHA-256", m.sha256),
            ("Stored as", m.original_path or m.original_key),
            ("Id", m.id),
        ]
        for form, pairs in ((self.meta, rows), (self.technical, technical)):
            for caption, value in pairs:
                if value:
                    form.addRow(caption, label(breakable(value), wrap=True, selectable=True))
