from mediadesk.engine.progress import ProgressParser


def feed_block(parser: ProgressParser, out_time_us: int, speed: str, end: bool = False):  # type: ignore[no-untyped-def]
    result = None
    for line in [
        f"out_time_us={out_time_us}",
        f"speed={speed}",
        f"progress={'end' if end else 'continue'}",
    ]:
        result = parser.feed(line + "\n") or result
    return result


def test_percent_and_eta_from_speed() -> None:
    p = ProgressParser(expected_duration=100.0)
    update = feed_block(p, 25_000_000, "2.5x")
    assert update.percent == 25.0
    assert update.eta_s == 30.0  # 75 s of media left at 2.5x
    assert not update.done


def test_end_block_is_complete() -> None:
    p = ProgressParser(expected_duration=10.0)
    update = feed_block(p, 9_900_000, "1x", end=True)
    assert update.done and update.percent == 100.0 and update.eta_s == 0.0


def test_unknown_duration_gives_no_percent() -> None:
    update = feed_block(ProgressParser(None), 5_000_000, "N/A")
    assert update.percent is None and update.out_time_s == 5.0 and update.speed is None


def test_garbage_lines_are_ignored() -> None:
    p = ProgressParser(10.0)
    assert p.feed("not a key value\n") is None
    assert p.feed("out_time_us=N/A\n") is None
    assert feed_block(p, 0, "0x").percent == 0.0
