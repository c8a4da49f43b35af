"""Waveform peaks from ffmpeg's PCM output, in one pass and bounded memory.

ffmpeg decodes the audio to mono 16-bit PCM on a pipe; numpy folds each block of
``samples_per_pixel`` samples into a (min, max) pair as the bytes arrive, so memory
is one read buffer plus the peaks themselves (an hour at 48 kHz and 512 samples per
pixel is 340k pairs), never the samples. ``showwavespic`` holds the whole input in
memory and its default draws a flat band, which is why it is not used.

The JSON is the BBC audiowaveform format (version 2) that peaks.js and wavesurfer.js
read::

    {"version": 2, "channels": 1, "sample_rate": 48000, "samples_per_pixel": 512,
     "bits": 8, "length": N, "data": [min0, max0, min1, max1, ...]}

``data`` holds ``length`` interleaved (min, max) pairs, signed, in ``bits`` bits
(-128..127 for 8 bits, -32768..32767 for 16). The PNG is drawn from the same peaks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import ffmpeg
import numpy as np
import numpy.typing as npt
from PIL import Image
from pydantic import Field

from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.graph import compile_graph, source
from mediadesk.engine.preset_base import PresetBase
from mediadesk.engine.sniff import Container
from mediadesk.errors import ErrorCode, InvalidInput, VerificationFailed

log = logging.getLogger(__name__)

JSON_NAME = "peaks.json"
PNG_NAME = "waveform.png"
READ_BYTES = 1 << 20
DEFAULT_RATE = 44_100


class WaveformPreset(PresetBase):
    kind: Literal["waveform"] = "waveform"
    samples_per_pixel: int = Field(default=512, ge=32, le=65_536)
    bits: Literal[8, 16] = 8
    sample_rate: int | None = Field(default=None, ge=8_000, le=192_000)  # None: the source's
    png_width: int = Field(default=1800, ge=100, le=20_000)
    png_height: int = Field(default=280, ge=20, le=4_000)
    color: str = Field(default="#3b82f6", pattern=r"^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$")
    background: str = Field(default="#00000000", pattern=r"^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$")


@dataclass(frozen=True)
class WaveformPlan:
    audio_stream_index: int
    sample_rate: int
    samples_per_pixel: int
    bits: int
    duration: float


def plan_waveform(info: MediaInfo, preset: WaveformPreset) -> WaveformPlan:
    audio = info.audio
    if audio is None:
        raise InvalidInput("the file has no audio stream", code=ErrorCode.NO_AUDIO_STREAM)
    return WaveformPlan(
        audio_stream_index=audio.index,
        sample_rate=preset.sample_rate or audio.sample_rate or DEFAULT_RATE,
        samples_per_pixel=preset.samples_per_pixel,
        bits=preset.bits,
        duration=info.duration or 0.0,
    )


def pcm_argv(ffmpeg_bin: str, path: Path, container: Container, plan: WaveformPlan) -> list[str]:
    stream = source()[str(plan.audio_stream_index)]
    output = ffmpeg.output(
        stream,
        "pipe:1",
        **{"ac": "1", "ar": str(plan.sample_rate), "c:a": "pcm_s16le", "f": "s16le"},
    )
    return compile_graph(ffmpeg_bin, output, path, container)


class PeakAccumulator:
    """Folds a stream of little-endian int16 samples into per-pixel (min, max)."""

    def __init__(
        self,
        samples_per_pixel: int,
        bits: int = 8,
        on_samples: Callable[[int], None] | None = None,
    ) -> None:
        self.spp = samples_per_pixel
        self.bits = bits
        self.on_samples = on_samples
        self.samples = 0
        self.error: BaseException | None = None
        self._pending = bytearray()
        self._mins: list[npt.NDArray[np.int16]] = []
        self._maxs: list[npt.NDArray[np.int16]] = []

    def feed(self, data: bytes) -> None:
        self._pending += data
        block = 2 * self.spp
        whole = len(self._pending) // block * block
        if whole:
            self._fold(np.frombuffer(bytes(self._pending[:whole]), dtype="<i2"))
            del self._pending[:whole]

    def _fold(self, samples: npt.NDArray[np.int16]) -> None:
        blocks = samples.reshape(-1, self.spp) if samples.size % self.spp == 0 else None
        if blocks is None:
            self._mins.append(np.array([samples.min()], dtype=np.int16))
            self._maxs.append(np.array([samples.max()], dtype=np.int16))
        else:
            self._mins.append(blocks.min(axis=1))
            self._maxs.append(blocks.max(axis=1))
        self.samples += samples.size
        if self.on_samples is not None:
            self.on_samples(self.samples)

    def sink(self, stream: IO[bytes]) -> None:
        """Read ``stream`` to the end; an error is kept (and the pipe still drained)."""
        try:
            while chunk := stream.read(READ_BYTES):
                self.feed(chunk)
        except Exception as exc:
            self.error = exc
            log.exception("waveform accumulation failed")

    def finish(self) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16]]:
        if self.error is not None:
            raise self.error
        tail = len(self._pending) // 2 * 2
        if tail:
            self._fold(np.frombuffer(bytes(self._pending[:tail]), dtype="<i2"))
            self._pending.clear()
        if not self._mins:
            raise VerificationFailed(
                "the audio decoded to no samples", code=ErrorCode.OUTPUT_UNDECODABLE
            )
        mins, maxs = np.concatenate(self._mins), np.concatenate(self._maxs)
        if self.bits == 8:
            # audiowaveform's 8-bit scale: the high byte, rounding toward -inf.
            mins, maxs = mins >> 8, maxs >> 8
        return mins.astype(np.int16), maxs.astype(np.int16)


def write_json(
    path: Path,
    mins: npt.NDArray[np.int16],
    maxs: npt.NDArray[np.int16],
    plan: WaveformPlan,
) -> None:
    """Streamed out in slices: no Python list of every value is ever built."""
    pairs = np.empty(mins.size * 2, dtype=np.int16)
    pairs[0::2], pairs[1::2] = mins, maxs
    with path.open("w", encoding="utf-8") as out:
        out.write(
            f'{{"version": 2, "channels": 1, "sample_rate": {plan.sample_rate}, '
            f'"samples_per_pixel": {plan.samples_per_pixel}, "bits": {plan.bits}, '
            f'"length": {mins.size}, "data": ['
        )
        step = 1 << 16
        for start in range(0, pairs.size, step):
            if start:
                out.write(",")
            out.write(",".join(map(str, pairs[start : start + step].tolist())))
        out.write("]}\n")


def _rgba(color: str) -> tuple[int, int, int, int]:
    hexa = color.lstrip("#")
    alpha = int(hexa[6:8], 16) if len(hexa) == 8 else 255
    return int(hexa[0:2], 16), int(hexa[2:4], 16), int(hexa[4:6], 16), alpha


def render_png(
    path: Path,
    mins: npt.NDArray[np.int16],
    maxs: npt.NDArray[np.int16],
    bits: int,
    preset: WaveformPreset,
) -> tuple[int, int]:
    width, height = preset.png_width, preset.png_height
    # Column c covers peaks [edges[c], edges[c+1]); narrow files repeat a peak.
    edges = np.minimum((np.arange(width) * mins.size) // width, mins.size - 1)
    lo = np.minimum.reduceat(mins, edges).astype(np.float64)
    hi = np.maximum.reduceat(maxs, edges).astype(np.float64)
    full = float(1 << (bits - 1))
    mid = (height - 1) / 2
    top = np.clip(np.round(mid - hi / full * mid), 0, height - 1)
    bottom = np.clip(np.round(mid - lo / full * mid), 0, height - 1)
    rows = np.arange(height)[:, None]
    mask = (rows >= top[None, :]) & (rows <= bottom[None, :])
    image = np.empty((height, width, 4), dtype=np.uint8)
    image[:] = _rgba(preset.background)
    image[mask] = _rgba(preset.color)
    Image.fromarray(image, "RGBA").save(path, "PNG", optimize=True)
    return width, height
