from pathlib import Path

import pytest

from mediadesk.errors import ConfigError
from mediadesk.settings import load_settings, write_settings_file


def test_defaults_live_in_home(home: Path) -> None:
    s = load_settings()
    assert s.home == home.resolve()
    assert s.resolved_database_url == f"sqlite:///{home.resolve() / 'library.db'}"
    assert s.resolved_queue_url == f"sqlite:///{home.resolve() / 'queue.db'}"
    assert s.resolved_queue_url != s.resolved_database_url
    assert s.resolved_storage == str(home.resolve() / "media")
    assert s.workers >= 1


def test_precedence_defaults_toml_env_cli(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().server_port == 8765
    write_settings_file(home, {"server_port": 9001, "workers": 3})
    assert load_settings().server_port == 9001
    monkeypatch.setenv("MEDIADESK_SERVER_PORT", "9002")
    s = load_settings()
    assert (s.server_port, s.workers) == (9002, 3)
    assert load_settings({"server_port": 9003}).server_port == 9003


def test_cli_home_beats_environment(home: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    assert load_settings({"home": str(other)}).home == other.resolve()


def test_unknown_toml_key_is_named(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "mediadesk.toml").write_text("server_prot = 1\n")
    with pytest.raises(ConfigError, match="server_prot"):
        load_settings()


def test_out_of_range_value_is_named(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIADESK_SERVER_PORT", "70000")
    with pytest.raises(ConfigError, match="server_port"):
        load_settings()


def test_write_settings_file_merges_and_removes(home: Path) -> None:
    write_settings_file(home, {"workers": 2, "encoder": "cpu"})
    write_settings_file(home, {"workers": None})
    text = (home / "mediadesk.toml").read_text()
    assert "encoder" in text and "workers" not in text
    with pytest.raises(ConfigError):
        write_settings_file(home, {"nope": 1})
