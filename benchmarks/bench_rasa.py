"""Rasa projects on turnflow: turns per second, the cost of a late turn against an early one,
and the time to load and validate a 30-flow project.

    .venv/bin/python benchmarks/bench_rasa.py [--conversations N]

Rasa 3.21 on this kind of machine (research §10): ~13 turns/s (77 ms a turn), turn 60 about
twelve times turn 5, 0.65 s to load 29 flows.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from turnflow.rasa.engine import RasaEngine
from turnflow.rasa.reading import load_project
from turnflow.rasa.validation import validate_project

PROJECT = Path(__file__).resolve().parents[1] / "examples" / "rasa" / "transfer"
CONVERSATION = [
    "/send_money", "/SetSlots(payee=Mia)", "/SetSlots(sum=0)", "/SetSlots(sum=400)",
    "/SetSlots(sum=40)", "/SetSlots(speed=instant)", "/SetSlots(go_ahead=true)",
]  # fmt: skip
# a conversation that goes on: the balance, then "anything else?" answered yes, again and again
LONG = ["/see_balance", "/SetSlots(continue_conversation=true)"]


def turns_per_second(engine: RasaEngine, conversations: int) -> float:
    start = time.perf_counter()
    for _ in range(conversations):
        session = engine.new_session()
        for text in CONVERSATION:
            engine.handle(session, text)
    return conversations * len(CONVERSATION) / (time.perf_counter() - start)


def late_against_early(engine: RasaEngine, conversations: int) -> tuple[float, float]:
    """The mean time of turns 5 and 6 and of turns 59 and 60 (the same two messages) over
    many long conversations (seconds a turn)."""
    early = late = 0.0
    for _ in range(conversations):
        session = engine.new_session()
        for turn in range(1, 61):
            start = time.perf_counter()
            engine.handle(session, LONG[(turn - 1) % 2])
            elapsed = time.perf_counter() - start
            if turn in (5, 6):
                early += elapsed
            elif turn in (59, 60):
                late += elapsed
    return early / conversations / 2, late / conversations / 2


def load_and_validate_30_flows() -> float:
    """The best of 5: load and validate a made-up project of 30 flows (7 steps each)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        slots, responses, flows = [], [], []
        for n in range(30):
            slots.append(f"  s{n}:\n    type: float\n    mappings: [{{type: from_llm}}]\n")
            responses.append(f"  utter_ask_s{n}:\n    - text: \"Value {n}?\"\n")
            responses.append(f"  utter_done_{n}:\n    - text: \"Done with {{s{n}}}.\"\n")
            flows.append(
                f"  flow_{n}:\n    description: Flow number {n}.\n"
                f"    nlu_trigger: [{{intent: start_{n}}}]\n    steps:\n"
                f"      - collect: s{n}\n        rejections:\n"
                f"          - {{if: slots.s{n} < 0, utter: utter_done_{n}}}\n"
                f"      - noop: true\n        next:\n"
                f"          - if: slots.s{n} > 10\n            then:\n"
                f"              - action: utter_done_{n}\n                next: END\n"
                f"          - else: last_{n}\n"
                f"      - id: last_{n}\n        action: utter_done_{n}\n"
            )
        intents = "".join(f"  - start_{n}\n" for n in range(30))
        (root / "domain.yml").write_text(
            f"version: '3.1'\nintents:\n{intents}slots:\n{''.join(slots)}"
            f"responses:\n{''.join(responses)}"
        )
        (root / "config.yml").write_text("recipe: default.v1\nlanguage: en\n")
        (root / "data").mkdir()
        (root / "data" / "flows.yml").write_text("flows:\n" + "".join(flows))
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            project = load_project(root)
            problems = validate_project(project)
            best = min(best, time.perf_counter() - start)
        assert len(project.flows) == 30 and not problems.errors, problems.errors[:3]
        return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=300)
    args = parser.parse_args()
    engine = RasaEngine.load(PROJECT)
    turns_per_second(engine, 20)  # warm up
    rate = turns_per_second(engine, args.conversations)
    early, late = late_against_early(engine, max(args.conversations // 10, 10))
    loading = load_and_validate_30_flows()
    print(f"turns/s (payload conversations, {PROJECT.name}): {rate:,.0f} "
          f"({1000 / rate:.2f} ms a turn; Rasa ~13 turns/s, 77 ms)")
    print(f"turns 5-6: {early * 1000:.2f} ms, turns 59-60: {late * 1000:.2f} ms a turn "
          f"(late / early = {late / early:.2f}; Rasa: turn 60 ~12 times turn 5)")
    print(f"load and validate 30 flows: {loading * 1000:.1f} ms (Rasa 0.65 s for 29 flows)")


if __name__ == "__main__":
    main()
