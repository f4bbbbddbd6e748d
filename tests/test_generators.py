"""Pins turnflow.generators to the exact values of Go's rand/v2 PCG and goflow's test universe."""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from pathlib import Path

import pytest

from turnflow.generators import (
    FixedClock,
    GoPCG,
    NanoTime,
    RandomUUIDs,
    SeededRandom,
    SeededUUIDs,
    SequentialClock,
    SystemClock,
    SystemRandom,
    decimal_from_float,
    format_rfc3339_nano,
    v7_at_reading,
)

FIXTURES = Path("/work/shared/fixtures/goflow")
GOFLOW_START = "2025-05-04T12:30:45.123456789Z"


# ---------------------------------------------------------------------------------- GoPCG


def test_pcg_matches_go_reference_stream() -> None:
    # Go's own rand/v2 test vector for NewPCG(1, 2).
    p = GoPCG(1, 2)
    assert [p.uint64() for _ in range(5)] == [
        0xC4F5A58656EEF510,
        0x9DCEC3AD077DEC6C,
        0xC8D04605312F8088,
        0xCBEDC0DCB63AC19A,
        0x3BF98798CAE97950,
    ]


def test_pcg_float64_uses_low_53_bits() -> None:
    p, q = GoPCG(123456, 123456), GoPCG(123456, 123456)
    for _ in range(20):
        assert p.float64() == (q.uint64() & ((1 << 53) - 1)) / 2**53


def test_pcg_int_n_seed_123456() -> None:
    p = GoPCG(123456, 123456)
    assert [p.int_n(10) for _ in range(6)] == [8, 6, 2, 4, 9, 0]


def test_pcg_int_n_is_multiply_shift() -> None:
    p, q = GoPCG(7, 9), GoPCG(7, 9)
    for n in (3, 10, 1000, 12345678901):
        assert p.int_n(n) == (q.uint64() * n) >> 64


def test_pcg_int_n_power_of_two_masks() -> None:
    p, q = GoPCG(5, 5), GoPCG(5, 5)
    assert p.int_n(16) == q.uint64() & 15
    assert p.int_n(1) == 0


def test_pcg_int_n_rejects_biased_samples() -> None:
    # With n just above 2**63 about half of all draws are rejected; results stay in range and
    # follow the rejection rule (low word must be >= 2**64 mod n).
    n = (1 << 63) + 1
    threshold = (1 << 64) % n
    p, q = GoPCG(3, 4), GoPCG(3, 4)
    for _ in range(50):
        got = p.int_n(n)
        while True:
            product = q.uint64() * n
            if product & ((1 << 64) - 1) >= threshold:
                break
        assert got == product >> 64 < n


def test_pcg_bad_bounds() -> None:
    with pytest.raises(ValueError):
        GoPCG(1, 1).int_n(0)


def test_pcg_negative_seed_wraps_like_go_uint64() -> None:
    assert GoPCG(-1, -1).uint64() == GoPCG(2**64 - 1, 2**64 - 1).uint64()


# --------------------------------------------------------------------- rand() / rand_between()


def test_goflow_rand_docstring_examples() -> None:
    # One SeededRandom(123456) shared by the examples in order: rand() twice, then
    # rand_between(1, 10) twice as floor(decimal(float64) * span) + min.
    r = SeededRandom(123456)
    assert str(decimal_from_float(r.float64())) == "0.774856886849196"
    assert str(decimal_from_float(r.float64())) == "0.5342568785221806"
    between = [math.floor(decimal_from_float(r.float64()) * 10) + 1 for _ in range(2)]
    assert between == [7, 8]


def test_seeded_random_is_repeatable() -> None:
    a, b = SeededRandom(42), SeededRandom(42)
    assert [a.float64() for _ in range(5)] == [b.float64() for _ in range(5)]
    assert [a.int_n(100) for _ in range(5)] == [b.int_n(100) for _ in range(5)]


def test_system_random_ranges() -> None:
    r = SystemRandom()
    for _ in range(100):
        assert 0.0 <= r.float64() < 1.0
        assert 0 <= r.int_n(3) < 3
    with pytest.raises(ValueError):
        r.int_n(0)


def test_environment_default_random_is_system_random() -> None:
    from turnflow.expressions.environment import Environment

    assert isinstance(Environment().random, SystemRandom)


# ---------------------------------------------------------------------------------- clocks


def test_sequential_clock_goflow_start() -> None:
    clock = SequentialClock(GOFLOW_START, dt.timedelta(seconds=1))
    first = clock.now_time()
    assert first.ns == 1746361845_123456789
    assert str(first) == GOFLOW_START
    assert format_rfc3339_nano(clock.now_ns()) == "2025-05-04T12:30:46.123456789Z"
    assert clock.now() == dt.datetime(2025, 5, 4, 12, 30, 47, 123456, tzinfo=dt.UTC)
    assert clock.peek().format() == "2025-05-04T12:30:48.123456789Z"
    assert clock() == dt.datetime(2025, 5, 4, 12, 30, 48, 123456, tzinfo=dt.UTC)


def test_sequential_clock_accepts_datetime_and_ns_step() -> None:
    start = dt.datetime(2018, 4, 11, 13, 24, 30, 123456, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    clock = SequentialClock(start, 500)
    assert clock.now_ns() + 500 == clock.now_ns()
    assert SequentialClock(0).now_time() == NanoTime(0)


def test_format_rfc3339_nano_trims_like_go() -> None:
    base = NanoTime.parse("2000-01-01T00:00:00Z").ns
    assert format_rfc3339_nano(base) == "2000-01-01T00:00:00Z"
    assert format_rfc3339_nano(base + 100_000_000) == "2000-01-01T00:00:00.1Z"
    assert format_rfc3339_nano(base + 123_000) == "2000-01-01T00:00:00.000123Z"
    assert format_rfc3339_nano(base, trim=False) == "2000-01-01T00:00:00.000000000Z"
    guayaquil = dt.timezone(dt.timedelta(hours=-5))
    assert (
        format_rfc3339_nano(base + 123_456_789, tz=guayaquil)
        == "1999-12-31T19:00:00.123456789-05:00"
    )


def test_nanotime_parse_round_trips() -> None:
    for text in (GOFLOW_START, "2018-10-18T14:20:30.000123456Z", "2000-01-01T00:00:00Z"):
        assert NanoTime.parse(text).format() == text
    # An instant keeps no offset: format in the zone you want.
    minus5 = dt.timezone(dt.timedelta(hours=-5))
    assert NanoTime.parse("2018-04-11T13:24:30.1-05:00").format(tz=minus5) == (
        "2018-04-11T13:24:30.1-05:00"
    )
    assert NanoTime.parse("2018-04-11T13:24:30.1-05:00").format() == "2018-04-11T18:24:30.1Z"
    assert NanoTime.parse("2000-01-01T00:00:00.000000000-00:00").ns == 946684800 * 10**9
    with pytest.raises(ValueError):
        NanoTime.parse("2000-01-01")


def test_nanotime_before_epoch() -> None:
    t = NanoTime(-1)
    assert t.format() == "1969-12-31T23:59:59.999999999Z"
    assert t.to_datetime() == dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)


def test_fixed_and_system_clocks() -> None:
    fixed = FixedClock("2018-10-18T14:20:30.000123456Z")
    assert fixed.now_ns() == fixed.now_ns()
    assert fixed.now().microsecond == 123
    system = SystemClock()
    assert system.now().tzinfo is not None
    assert abs(system.now_ns() - NanoTime.from_datetime(system.now()).ns) < 10**9


# ----------------------------------------------------------------------------------- UUIDs


def test_seeded_v4_sequence() -> None:
    gen = SeededUUIDs(123456, SequentialClock(GOFLOW_START))
    # The first two v4s of seed 123456, as in goflow's legacy/migration fixtures.
    assert gen.new_v4() == "1b2083ab-a0cb-48da-924e-9de1a11831b3"
    assert gen.new_v4() == "ad9bdcfa-5604-4542-98c7-1f0d5859f77e"


def test_seeded_first_v7_is_goflow_session_uuid() -> None:
    gen = SeededUUIDs(123456, SequentialClock(GOFLOW_START))
    assert gen.new_v7() == "01969b47-0583-76f8-924e-9de1a11831b3"


def test_seeded_stream_replays_goflow_empty_runner_case() -> None:
    clock = SequentialClock(GOFLOW_START)
    gen = SeededUUIDs(123456, clock)

    def ts() -> str:
        return clock.now_time().format()

    # goflow's order of clock reads and UUIDs for a session that starts and ends a run.
    session_uuid = gen.new_v7()
    session_created = ts()
    gen.new_v4()  # sprint
    run_created = ts()
    run_uuid = gen.new_v7()
    started_uuid = gen.new_v7()
    started_on = ts()
    exited_on = ts()
    ended_uuid = gen.new_v7()
    ended_on = ts()

    assert session_uuid == "01969b47-0583-76f8-924e-9de1a11831b3"
    assert run_uuid == "01969b47-113b-76f8-95cf-9fca95f1c30a"
    assert started_uuid == "01969b47-1523-76f8-92ed-42cbd11a03fd"
    assert ended_uuid == "01969b47-20db-76f8-b20c-e3cb6203e029"
    assert (session_created, run_created) == (
        "2025-05-04T12:30:46.123456789Z",
        "2025-05-04T12:30:47.123456789Z",
    )
    assert (started_on, exited_on, ended_on) == (
        "2025-05-04T12:30:50.123456789Z",
        "2025-05-04T12:30:51.123456789Z",
        "2025-05-04T12:30:53.123456789Z",
    )

    path = FIXTURES / "test/testdata/runner/empty.test.json"
    if not path.exists():
        return
    output = json.loads(path.read_text())["outputs"][0]
    session, events = output["session"], output["events"]
    assert session["uuid"] == session_uuid
    assert session["created_on"] == session_created
    run = session["runs"][0]
    assert (run["uuid"], run["created_on"], run["exited_on"]) == (run_uuid, run_created, exited_on)
    assert [(e["uuid"], e["created_on"]) for e in events] == [
        (started_uuid, started_on),
        (ended_uuid, ended_on),
    ]


def test_v7_random_half_is_the_v4_bytes() -> None:
    v4 = SeededUUIDs(99, SequentialClock(0)).new_v4()
    v7 = SeededUUIDs(99, SequentialClock(0)).new_v7()
    assert v7[:19] == "00000000-0000-7000-"
    assert v7[19:] == v4[19:]


def test_random_uuids() -> None:
    gen = RandomUUIDs()
    v4 = uuid.UUID(gen.new_v4())
    assert v4.version == 4
    sevens = [gen.new_v7() for _ in range(200)]
    assert all(uuid.UUID(u).version == 7 and uuid.UUID(u).variant == uuid.RFC_4122 for u in sevens)
    assert sevens == sorted(sevens) and len(set(sevens)) == len(sevens)


def test_random_v7_timestamp_from_clock() -> None:
    gen = RandomUUIDs(FixedClock(GOFLOW_START))
    first, second = gen.new_v7(), gen.new_v7()
    assert first.startswith("01969b47-0583-76f8-")
    assert second.startswith("01969b47-0583-76f9-")  # same instant: bumped to stay increasing


def test_random_v7_time_fields_follow_the_clock() -> None:
    # a clock 1.5 ms a reading, then one going back: each v7 carries its reading's ms and
    # 256 ns units, or (going back) one unit past the last issued
    clock = SequentialClock(GOFLOW_START, 1_500_000)
    gen = RandomUUIDs(clock)
    for reading in range(6):
        ns = NanoTime.parse(GOFLOW_START).ns + reading * 1_500_000
        ms, within = divmod(ns, 1_000_000)
        value = uuid.UUID(gen.new_v7()).int
        assert value >> 80 == ms and (value >> 64) & 0xFFFF == 0x7000 | within >> 8
    back = RandomUUIDs(SequentialClock(GOFLOW_START, -1_000_000))
    first, second = (uuid.UUID(back.new_v7()).int >> 64 for _ in range(2))
    assert second == first + 1


def test_one_real_clock_reading_serves_a_v7_and_a_timestamp() -> None:
    # the real clock: the caller reads it once, and the v7 carries that reading's time
    new_v7_at = v7_at_reading(RandomUUIDs(), SystemClock())
    assert new_v7_at is not None
    ns = SystemClock.now_ns()
    assert uuid.UUID(new_v7_at(ns)).int >> 80 == ns // 1_000_000
    # a test clock steps on every reading: a v7 and a timestamp each read it
    assert v7_at_reading(RandomUUIDs(), SequentialClock(GOFLOW_START)) is None
    assert v7_at_reading(RandomUUIDs(FixedClock(GOFLOW_START)), SystemClock()) is None
    assert v7_at_reading(SeededUUIDs(), SystemClock()) is None


def test_goflow_random_router_fixture() -> None:
    # flows/routers/testdata/random.json: input is the first rand() of seed 123456 and the
    # chosen category index is floor(input * number of categories).
    r = SeededRandom(123456)
    value = decimal_from_float(r.float64())
    assert str(value) == "0.774856886849196"
    assert math.floor(value * 3) == 2  # "Other", the 3rd of 3 categories
