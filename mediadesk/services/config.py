"""Editing the settings a desktop user may change, safely.

Values are validated by building complete settings with them before the TOML file is
touched, and the editor says which fields an ``MEDIADESK_*`` variable overrides (a
value saved to the file would not take effect while that variable is set).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from mediadesk.errors import ConfigError
from mediadesk.settings import (
    ENV_PREFIX,
    Settings,
    load_settings,
    read_settings_file,
    write_settings_file,
)

# What the settings dialog offers; everything else stays a file or environment matter.
EDITABLE = (
    "storage",
    "workers",
    "encoder",
    "server_port",
    "server_token",
    "step_presets",
    "ladder_budget_gb_per_hour",
)
# Fields the running app reads once at start; a change needs a restart.
RESTART_NEEDED = frozenset(EDITABLE)


@dataclass(frozen=True)
class EditableSetting:
    name: str
    value: Any  # the effective value now (secrets revealed: the user is editing them)
    in_file: bool
    env_override: bool
    description: str


def env_overrides(environ: Mapping[str, str] | None = None) -> set[str]:
    env = os.environ if environ is None else environ
    return {name for name in Settings.model_fields if f"{ENV_PREFIX}{name.upper()}" in env}


def editable_settings(settings: Settings) -> list[EditableSetting]:
    in_file = read_settings_file(settings.home)
    overridden = env_overrides()
    out = []
    for name in EDITABLE:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if name == "storage" and value is None:
            value = settings.resolved_storage
        field = Settings.model_fields[name]
        out.append(
            EditableSetting(
                name=name,
                value=value,
                in_file=name in in_file,
                env_override=name in overridden,
                description=field.description or "",
            )
        )
    return out


def save_settings(home: Path, updates: Mapping[str, Any]) -> Settings:
    """Validate ``updates`` as part of the whole configuration, then write the file.

    ``None`` or an empty string removes a key (back to the default). Raises
    ``ConfigError`` naming the field when a value is invalid; the file is unchanged.
    """
    unknown = [k for k in updates if k not in EDITABLE]
    if unknown:
        raise ConfigError(f"not editable here: {', '.join(sorted(unknown))}")
    clean = {k: (None if v == "" else v) for k, v in updates.items()}
    candidate = {**read_settings_file(home), **{k: v for k, v in clean.items() if v is not None}}
    for key in [k for k, v in clean.items() if v is None]:
        candidate.pop(key, None)
    load_settings({**candidate, "home": home})  # raises ConfigError with the field name
    write_settings_file(home, clean)
    return load_settings({"home": home})
