"""Job types (and the media engine behind them) load when first needed."""

import threading
from pathlib import Path

from mediadesk.handlers import default_registry
from mediadesk.jobs.registry import JobRegistry, LazyRegistry
from tests.fresh_python import fresh_python


def test_filled_once_on_first_use() -> None:
    calls: list[int] = []

    def factory() -> JobRegistry:
        calls.append(1)
        return default_registry()

    lazy = LazyRegistry(factory)
    assert not lazy.filled and calls == []
    barrier = threading.Barrier(8)
    seen: list[list[str]] = []

    def ask() -> None:
        barrier.wait()
        seen.append(lazy.names())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and lazy.filled
    assert all(names == default_registry().names() for names in seen)
    assert lazy.get("probe").name == "probe"
    assert lazy.parse_input("noop", {"sleep_s": 0}).model_dump() == {"sleep_s": 0.0, "tag": None}


def test_opening_a_runtime_loads_no_job_type(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from mediadesk.runtime import Runtime\n"
        "from mediadesk.settings import load_settings\n"
        "rt = Runtime(load_settings()).open()\n"
        "rt.library.count_media()\n"
        "print('mediadesk.handlers.poster' in sys.modules, 'PIL' in sys.modules)\n"
        "rt.registry.names()\n"
        "print('mediadesk.handlers.poster' in sys.modules)\n"
        "rt.stop()\n"
    )
    out = fresh_python(script, tmp_path / "home")
    assert out.stdout.split() == ["False", "False", "True"], out.stderr
