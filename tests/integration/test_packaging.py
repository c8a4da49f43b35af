"""Packaging files checked without a Docker engine (none runs on this machine).

The compose file is parsed and every MEDIADESK_* variable it sets must be a real
setting that loads with the value given; every file the Dockerfile copies must
exist; the systemd units pass ``systemd-analyze verify`` and the .desktop file
passes ``desktop-file-validate``. Building and running the PyInstaller bundle is
``make package`` (it smoke-tests the binary itself, including a worker on real
PostgreSQL, Redis and S3 servers); it is not part of the suite because it takes one
to three minutes and ~200 MB.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mediadesk.settings import Settings, load_settings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
MEDIADESK_SERVICES = ("server", "worker", "gpu-worker")
_VAR = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")


def interpolate(value: str) -> str:
    """Compose's ${VAR:-default}, with every variable at its default."""
    return _VAR.sub(lambda m: m.group(2) or "", value).replace("$$", "$")


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((PACKAGING / "compose.yaml").read_text())
    return data


def require(binary: str) -> str:
    found = shutil.which(binary)
    if not found:
        pytest.fail(f"{binary} is missing (make setup-test installs it)")
    return found


def test_compose_has_the_whole_nas_set_up() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "minio", "server", "worker"} <= set(services)
    assert services["server"]["command"] == ["serve"]
    assert services["worker"]["command"] == ["worker"]
    for name in MEDIADESK_SERVICES:
        depends = services[name]["depends_on"]
        assert {"postgres", "redis"} <= set(depends)


@pytest.mark.parametrize("service", MEDIADESK_SERVICES)
def test_every_compose_variable_is_a_real_setting(
    service: str, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {k: interpolate(str(v)) for k, v in compose()["services"][service]["environment"].items()}
    names = [k for k in env if k.startswith("MEDIADESK_")]
    assert names, "no MediaDesk settings in the compose file"
    for key in names:
        field = key.removeprefix("MEDIADESK_").lower()
        assert field in Settings.model_fields, f"{key} is not a setting"
        monkeypatch.setenv(key, env[key])
    monkeypatch.setenv("MEDIADESK_HOME", str(home))
    settings = load_settings()
    assert settings.resolved_database_url.startswith("postgresql+psycopg://")
    assert settings.resolved_queue_url.startswith("redis://")
    assert settings.resolved_storage.startswith("s3://")
    assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} <= set(env)


def test_documented_variables_are_settings() -> None:
    """Every MEDIADESK_* variable the scaling guide names is a real setting."""
    text = (ROOT / "docs" / "SCALING.md").read_text()
    named = set(re.findall(r"MEDIADESK_([A-Z0-9_]+)", text))
    assert named, "the guide names no variables"
    unknown = {n for n in named if n.lower() not in Settings.model_fields}
    assert not unknown, f"docs/SCALING.md names variables that are no settings: {unknown}"


def test_dockerfile_copies_files_that_exist() -> None:
    text = (PACKAGING / "Dockerfile").read_text()
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0] != "COPY" or any(p.startswith("--from") for p in parts):
            continue
        for source in parts[1:-1]:
            assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"
    assert "/opt/mediadesk/mediadesk" in text
    assert 'name="mediadesk"' in (PACKAGING / "mediadesk.spec").read_text()


@pytest.mark.parametrize("unit", ["mediadesk-serve.service", "mediadesk-worker@.service"])
def test_systemd_units_verify(unit: str, tmp_path: Path) -> None:
    analyze = require("systemd-analyze")
    program = shutil.which("mediadesk") or str(ROOT / ".venv" / "bin" / "mediadesk")
    text = (PACKAGING / "systemd" / unit).read_text()
    assert "KillSignal=SIGTERM" in text
    stop = int(re.search(r"TimeoutStopSec=(\d+)", text).group(1))  # type: ignore[union-attr]
    assert stop > Settings.model_fields["shutdown_grace"].default
    # Verify against the real program; the installed path does not exist here.
    target = tmp_path / unit.replace("@.", "@test.")
    target.write_text(text.replace("/opt/mediadesk/mediadesk", program))
    out = subprocess.run([analyze, "verify", str(target)], capture_output=True, text=True)
    problems = [ln for ln in out.stderr.splitlines() if unit.split("@")[0].split(".")[0] in ln]
    assert out.returncode == 0 and not problems, out.stderr


def test_desktop_file_validates() -> None:
    validate = require("desktop-file-validate")
    desktop = ROOT / "resources" / "io.mediadesk.MediaDesk.desktop"
    out = subprocess.run([validate, str(desktop)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    text = desktop.read_text()
    assert "Icon=io.mediadesk.MediaDesk" in text and "Exec=mediadesk" in text
    assert (ROOT / "resources" / "mediadesk.svg").is_file()
