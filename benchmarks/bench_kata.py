"""Kata bots on turnflow: converses per second through a 10-message pizza conversation
(conditions, mappings, a volatile greeting, an FAQ that interrupts the order and hands it back
with reenter), and the cost of message 60 against message 5 of one long conversation.

    .venv/bin/python benchmarks/bench_kata.py [--conversations N]

Kata's own engine was a hosted service (kata console printed ~50 ms a converse, network
included); there is no local figure to compare with.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from turnflow.kata.testing import TestClock, load_engine

BOT = Path(__file__).resolve().parents[1] / "examples" / "kata" / "pizza"
CONVERSATION = [
    "hello", "I'd like a hawaiian pizza", "what's on the menu?", "large", "2", "no",
    "medium", "3", "yes", "bye",
]  # fmt: skip
# one long conversation: an order opened, interrupted, half filled and cancelled, again and
# again; message 5 and message 60 are the same message at the same point of the cycle
CYCLE = ["a hawaiian pizza", "what's on the menu?", "large", "2", "cancel"]


def text(content: str) -> dict[str, str]:
    return {"type": "text", "content": content}


def converses_per_second(engine, conversations: int) -> float:
    messages = [text(content) for content in CONVERSATION]
    start = time.perf_counter()
    for n in range(conversations):
        session = engine.new_session(user_id=f"u{n}")
        for message in messages:
            engine.converse(session, dict(message))
    return conversations * len(messages) / (time.perf_counter() - start)


def late_against_early(engine, conversations: int) -> dict[str, float]:
    """Over many long conversations, the median time of message 5 and of message 60, and of
    the cycles they end (messages 1-5 and 56-60), in seconds (medians: the machine is shared,
    and one slow outlier should not decide)."""
    times: dict[str, list[float]] = {"5": [], "60": [], "1-5": [], "56-60": []}
    for n in range(conversations):
        session = engine.new_session(user_id=f"long{n}")
        cycle = 0.0
        for number in range(1, 61):
            message = text(CYCLE[(number - 1) % len(CYCLE)])
            start = time.perf_counter()
            engine.converse(session, message)
            elapsed = time.perf_counter() - start
            cycle += elapsed
            if number in (5, 60):
                times[str(number)].append(elapsed)
                times["1-5" if number == 5 else "56-60"].append(cycle / len(CYCLE))
            if number % len(CYCLE) == 0:
                cycle = 0.0
    return {key: statistics.median(values) for key, values in times.items()}


def check(engine) -> None:
    """The benchmark measures what it says: the conversation goes where the tests say."""
    session = engine.new_session(user_id="check")
    said = []
    for content in CONVERSATION[:3]:
        said += [r.get("content") for r in engine.converse(session, text(content)).responses]
    assert session.flow == "order" and list(session.stack) == [], (session.flow, session.stack)
    assert said[-1] == "What size, small, medium or large?", said


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=300)
    args = parser.parse_args()
    start = time.perf_counter()
    engine = load_engine(BOT, clock=TestClock())
    loading = time.perf_counter() - start
    check(engine)
    converses_per_second(engine, 20)  # warm up
    rate = converses_per_second(engine, args.conversations)
    late = late_against_early(engine, max(args.conversations // 5, 20))
    print(f"load, validate and compile {BOT.name}: {loading * 1000:.1f} ms")
    print(f"converses/s ({len(CONVERSATION)}-message pizza conversation): {rate:,.0f} "
          f"({1000 / rate:.2f} ms a message)")
    print(f"message 5: {late['5'] * 1000:.3f} ms, message 60: {late['60'] * 1000:.3f} ms "
          f"(60 / 5 = {late['60'] / late['5']:.2f}); messages 1-5: "
          f"{late['1-5'] * 1000:.3f} ms, 56-60: {late['56-60'] * 1000:.3f} ms a message "
          f"({late['56-60'] / late['1-5']:.2f})")

if __name__ == "__main__":
    main()
