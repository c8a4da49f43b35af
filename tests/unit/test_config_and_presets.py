"""The settings editor and the presets browser the desktop app is built on."""

import json
from pathlib import Path

import pytest
from pydantic import Field

from mediadesk.engine import preset_base, preset_kinds
from mediadesk.errors import ConfigError
from mediadesk.services.config import editable_settings, env_overrides, save_settings
from mediadesk.services.presets import browse_presets
from mediadesk.settings import load_settings, read_settings_file


def test_save_validates_before_writing(home: Path) -> None:
    save_settings(home, {"workers": 3, "server_port": 9100, "server_token": "s3cret"})
    s = load_settings()
    assert (s.workers, s.server_port) == (3, 9100)
    assert s.server_token is not None and s.server_token.get_secret_value() == "s3cret"
    with pytest.raises(ConfigError) as err:
        save_settings(home, {"workers": 0, "server_port": 9200})
    assert "workers" in err.value.message
    assert read_settings_file(home)["server_port"] == 9100  # nothing was written
    with pytest.raises(ConfigError):
        save_settings(home, {"encoder": "magic"})
    with pytest.raises(ConfigError):
        save_settings(home, {"database_url": "sqlite:///x"})  # not offered by the dialog


def test_empty_value_goes_back_to_default(home: Path) -> None:
    save_settings(home, {"server_port": 9100})
    save_settings(home, {"server_port": ""})
    assert "server_port" not in read_settings_file(home)
    assert load_settings().server_port == 8765


def test_editable_settings_name_env_overrides(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(home, {"workers": 2})
    monkeypatch.setenv("MEDIADESK_SERVER_PORT", "9300")
    fields = {f.name: f for f in editable_settings(load_settings())}
    assert fields["workers"].value == 2 and fields["workers"].in_file
    assert fields["server_port"].env_override and fields["server_port"].value == 9300
    assert fields["storage"].value == str(home.resolve() / "media")
    assert "server_port" in env_overrides()


class _ToyPreset(preset_base.PresetBase):
    kind: str = "toy"
    level: float = Field(ge=-70, le=0)


def test_browse_lists_good_and_broken_presets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(preset_kinds.KINDS, "toy", _ToyPreset)
    (tmp_path / "toy").mkdir()
    good = {"kind": "toy", "version": 2, "description": "quiet", "level": -16}
    (tmp_path / "toy" / "quiet_v2.json").write_text(json.dumps(good))
    (tmp_path / "toy" / "loud_v1.json").write_text(json.dumps({**good, "level": 5}))
    (tmp_path / "toy" / "junk.json").write_text("{not json")

    entries = {e.id: e for e in browse_presets(tmp_path)}
    assert list(entries) == ["toy/junk", "toy/loud_v1", "toy/quiet_v2"]
    quiet = entries["toy/quiet_v2"]
    assert quiet.valid and quiet.parameters == {"level": -16.0} and quiet.version == 2
    loud = entries["toy/loud_v1"]
    assert not loud.valid and "level" in (loud.error or "") and loud.kind == "toy"
    assert not entries["toy/junk"].valid and entries["toy/junk"].kind is None
    assert [e.id for e in browse_presets(tmp_path, kind="toy")] == ["toy/loud_v1", "toy/quiet_v2"]
