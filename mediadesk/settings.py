"""Settings, declared once.

Precedence, lowest first: defaults, ``$MEDIADESK_HOME/mediadesk.toml``, ``MEDIADESK_*``
environment variables, then command-line flags (passed as ``overrides``).
``MEDIADESK_HOME`` moves everything (database, queue, media, logs, scratch), which is
what tests and portable installs use.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

import platformdirs
import tomli_w
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from mediadesk.errors import ConfigError

SETTINGS_FILE_NAME = "mediadesk.toml"
ENV_PREFIX = "MEDIADESK_"

# The TOML file lives inside home, and home itself can come from any source, so the
# path is resolved first and handed to the source through this variable.
_toml_path: ContextVar[Path | None] = ContextVar("mediadesk_toml_path", default=None)

EncoderChoice = Literal["auto", "cpu", "nvenc", "vaapi", "qsv"]


def default_home() -> Path:
    return Path(platformdirs.user_data_dir("mediadesk", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        extra="forbid",
        validate_default=True,
    )

    home: Path = Field(default_factory=default_home)

    # Where things live. ``None`` means "inside home" and is resolved by the properties.
    database_url: str | None = None
    queue_url: str | None = None
    storage: str | None = Field(
        default=None, description="A directory, file:///dir, or s3://bucket/prefix"
    )
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_presign_playback: bool = Field(
        default=True,
        description="Redirect HLS reads to presigned S3 URLs (else proxy the bytes)",
    )
    s3_presign_expiry: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    # S3 refuses parts under 5 MiB (except the last), so neither may go below it.
    s3_part_size: int = Field(default=16 * 1024**2, ge=5 * 1024**2, le=5 * 1024**3)
    s3_multipart_threshold: int = Field(default=16 * 1024**2, ge=5 * 1024**2)
    s3_upload_concurrency: int = Field(
        default=4, ge=1, le=32, description="Parts of one upload sent at once (each in memory)"
    )
    s3_max_attempts: int = Field(
        default=6, ge=1, le=20, description="Tries per S3 request (throttling, lost connections)"
    )
    s3_stale_upload_hours: float = Field(
        default=24.0, gt=0, description="Abort multipart uploads left unfinished this long"
    )

    # HTTP server.
    server_host: str = "127.0.0.1"
    server_port: int = Field(default=8765, ge=0, le=65535)
    server_token: SecretStr | None = None
    server_signed_urls: bool = False
    public_base_url: str | None = None
    server_signing_key: SecretStr | None = Field(
        default=None, description="HMAC key for signed stream URLs (generated when unset)"
    )
    server_signed_url_ttl: int = Field(default=6 * 3600, ge=60)
    server_public_names: list[str] = Field(
        default_factory=list,
        description=(
            "Host names (or host:port) clients use to reach `serve`, besides loopback and "
            'the bound address; "*" accepts any Host (behind a proxy that rewrites it)'
        ),
    )
    server_max_upload_bytes: int | None = Field(
        default=None, gt=0, description="Largest accepted upload; unset means 'the disk'"
    )
    server_upload_reserve_bytes: int = Field(
        default=256 * 1024**2,
        ge=0,
        description="Free space uploads leave on the library's disk (413 beyond it)",
    )
    server_body_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds an upload body may send nothing before it is dropped",
    )
    server_rate_limit: float = Field(
        default=20.0, gt=0, description="Writes per second per client address (burst 4x)"
    )
    server_max_connections: int = Field(default=1024, ge=16)
    server_backend: Literal["granian", "uvicorn"] = Field(
        default="granian", description="granian (zero-copy file sends) or uvicorn"
    )
    webhook_urls: list[str] = Field(default_factory=list)
    webhook_secret: SecretStr | None = None
    webhook_max_attempts: int = Field(default=8, ge=1, le=50)
    log_format: Literal["text", "json"] = "text"

    # Workers.
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=64)
    queues: list[str] = Field(default_factory=lambda: ["default"])
    # Job type -> queue, e.g. {"hls" = "gpu"} so only GPU boxes take encodes.
    queue_routes: dict[str, str] = Field(default_factory=dict)
    # Scale-out with library folders: jobs for files read in place go to this queue,
    # taken only by processes that see every library folder (the machine that has them,
    # and workers that mount them at the same paths). None: the usual queues.
    folders_queue: str | None = None
    folders_check_interval: float = Field(
        default=30.0, gt=0, description="seconds between checks that the folders are here"
    )
    heartbeat_interval: float = Field(default=2.0, gt=0)
    stale_after: float = Field(default=30.0, gt=0)
    reaper_interval: float = Field(default=15.0, gt=0)
    requeue_after: float = Field(
        default=30.0, gt=0, description="re-send a PENDING job's message after this quiet time"
    )
    retry_base_delay: float = Field(default=10.0, ge=0)
    retry_max_delay: float = Field(default=900.0, ge=0)
    cancel_grace: float = Field(default=3.0, ge=0)
    scratch_max_age_hours: float = Field(default=24.0, gt=0)
    shutdown_grace: float = Field(
        default=30.0, ge=0, description="Seconds running jobs get to finish on SIGTERM"
    )

    # Media engine.
    ffmpeg_path: str = "ffmpeg"
    ffprobe_path: str = "ffprobe"
    encoder: EncoderChoice = "auto"
    hw_sessions: int = Field(default=2, ge=1, le=32)
    pipeline_video: list[str] = Field(
        default_factory=lambda: ["probe", "poster", "hls", "preview", "trickplay"]
    )
    # The poster of an audio file is its cover art; the probe leaves the step out when
    # the file has none.
    pipeline_audio: list[str] = Field(
        default_factory=lambda: ["probe", "poster", "audio_hls", "waveform"]
    )
    pipeline_image: list[str] = Field(default_factory=lambda: ["probe", "image_variants"])
    step_presets: dict[str, str] = Field(
        default_factory=dict,
        description='Preset per pipeline step, e.g. {hls = "hls/ladder_cmaf_v1"}',
    )
    ladder_budget_gb_per_hour: float | None = Field(
        default=None,
        gt=0,
        description="Cap on a per-title ladder's expected size per hour of media, in GB; "
        "the top rungs are dropped first to fit",
    )

    # Imports (URL downloads and file copies run as jobs on lanes of their own).
    import_workers: int = Field(
        default=2,
        ge=0,
        le=16,
        description="URL downloads at once per consuming process (0: leave them to others)",
    )
    url_max_bytes: int = Field(default=50 * 1024**3, gt=0)
    url_timeout: float = Field(
        default=3600.0,
        gt=0,
        le=7 * 24 * 3600,
        description="Seconds a URL download may take in all, however the server sends",
    )
    url_min_rate: int = Field(
        default=10_000,
        ge=0,
        description="Bytes per second a download must keep up (0: no minimum)",
    )
    url_min_rate_window: float = Field(
        default=30.0, gt=0, description="Seconds under url_min_rate before a download fails"
    )
    url_max_redirects: int = Field(default=5, ge=0, le=20)
    allow_private_urls: bool = False

    # Library folders (referenced in place) and their watchers.
    watch_folders: bool = Field(
        default=True, description="The app and serve watch folders that have watch on"
    )
    folder_settle_seconds: float = Field(
        default=10.0,
        ge=0.5,
        le=3600,
        description="A changed file is read once its size and time stayed put this long",
    )
    health_check_on_import: bool = Field(
        default=False,
        description="Decode every new video and audio file whole after import (Damaged?)",
    )
    folder_poll_interval: float = Field(
        default=2.0,
        ge=0.2,
        le=600,
        description="Seconds between passes of the polling watcher (NFS/SMB folders)",
    )

    log_level: str | None = Field(
        default=None,
        description="DEBUG, INFO, WARNING...; default INFO for serve, WARNING otherwise",
    )

    @field_validator("home", mode="after")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_path = _toml_path.get()
        if toml_path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)

    # Derived locations -------------------------------------------------------------

    @property
    def settings_file(self) -> Path:
        return self.home / SETTINGS_FILE_NAME

    @property
    def database_path(self) -> Path | None:
        """The SQLite file behind ``database_url``, or ``None`` for a server database."""
        url = self.resolved_database_url
        prefix = "sqlite:///"
        return Path(url[len(prefix) :]) if url.startswith(prefix) else None

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'library.db'}"

    @property
    def resolved_queue_url(self) -> str:
        return self.queue_url or f"sqlite:///{self.home / 'queue.db'}"

    @property
    def resolved_storage(self) -> str:
        return self.storage or str(self.home / "media")

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def scratch_dir(self) -> Path:
        return self.home / "scratch"

    @property
    def backups_dir(self) -> Path:
        return self.home / "backups"

    @property
    def lock_path(self) -> Path:
        return self.home / "mediadesk.lock"


def resolve_home(overrides: Mapping[str, Any], environ: Mapping[str, str]) -> Path:
    if overrides.get("home"):
        return Path(overrides["home"]).expanduser().resolve()
    if environ.get(f"{ENV_PREFIX}HOME"):
        return Path(environ[f"{ENV_PREFIX}HOME"]).expanduser().resolve()
    return default_home()


def load_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Build settings from every source; ``overrides`` are the command-line flags."""
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    home = resolve_home(given, os.environ)
    given["home"] = home
    token = _toml_path.set(home / SETTINGS_FILE_NAME)
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise ConfigError(_describe_validation_error(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{home / SETTINGS_FILE_NAME}: not valid TOML: {exc}") from exc
    finally:
        _toml_path.reset(token)


def _describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        parts.append(f"{field}: {err['msg']}")
    return "invalid settings: " + "; ".join(parts)


def read_settings_file(home: Path) -> dict[str, Any]:
    path = home / SETTINGS_FILE_NAME
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def write_settings_file(home: Path, updates: Mapping[str, Any]) -> Path:
    """Merge ``updates`` into the TOML file (``None`` removes a key), atomically."""
    data = read_settings_file(home)
    for key, value in updates.items():
        if key not in Settings.model_fields:
            raise ConfigError(f"unknown setting {key!r}")
        if value is None:
            data.pop(key, None)
        else:
            data[key] = str(value) if isinstance(value, Path) else value
    home.mkdir(parents=True, exist_ok=True)
    path = home / SETTINGS_FILE_NAME
    tmp = path.with_suffix(".toml.tmp")
    with tmp.open("wb") as fh:
        tomli_w.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return path
