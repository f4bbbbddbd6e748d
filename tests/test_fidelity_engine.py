"""Session behaviour checked against goflow where turnflow used to differ (each test states
goflow's behaviour): limit failures, waits of offline flows, the session input, the contact's
time zone, @results and @legacy_extra. The flows are small ones written for these tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from turnflow.core.runtime import Limits
from turnflow.expressions import Environment
from turnflow.generators import NanoTime, SeededUUIDs, SequentialClock
from turnflow.goflow import Assets, Contact, GoflowEngine

FLOW_UUID = "5f3c8a1e-0000-4000-8000-000000000001"
URN = "tel:+12065551212"
CHANNEL = {"uuid": "5f3c8a1e-0000-4000-8000-0000000000c1", "name": "Known Channel"}
RUNNER = Path("/work/shared/fixtures/goflow/test/testdata/runner")


def node(n: int, actions: list[dict[str, Any]], router: dict[str, Any] | None = None,
         destination: int | None = None, exits: int = 1) -> dict[str, Any]:
    uuid = f"5f3c8a1e-0000-4000-8000-{n:012d}"
    made: dict[str, Any] = {"uuid": uuid, "actions": actions, "exits": [
        {"uuid": f"5f3c8a1e-0000-4000-9000-{n:06d}{i:06d}",
         **({"destination_uuid": f"5f3c8a1e-0000-4000-8000-{destination:012d}"}
            if destination is not None else {})}
        for i in range(exits)
    ]}
    if router is not None:
        made["router"] = router
    return made


def send(n: int, text: str) -> dict[str, Any]:
    return {"uuid": f"5f3c8a1e-0000-4000-a000-{n:012d}", "type": "send_msg", "text": text}


def wait_router(n: int, result: str, cases: list[dict[str, Any]] | None = None) -> dict:
    """A router waiting for a message: its cases' category first (exit 0), Other (exit 1)."""
    matched = {"uuid": f"5f3c8a1e-0000-4000-b000-{n:06d}000001", "name": "Matched",
               "exit_uuid": f"5f3c8a1e-0000-4000-9000-{n:06d}000000"}
    other = {"uuid": f"5f3c8a1e-0000-4000-b000-{n:06d}000002", "name": "Other",
             "exit_uuid": f"5f3c8a1e-0000-4000-9000-{n:06d}000001"}
    return {
        "type": "switch", "wait": {"type": "msg"}, "operand": "@input.text",
        "result_name": result, "categories": [matched, other],
        "default_category_uuid": other["uuid"],
        "cases": [{"category_uuid": matched["uuid"], **case} for case in (cases or [])],
    }


def engine_for(nodes: list[dict[str, Any]], flow_type: str = "messaging",
               limits: Limits | None = None, extra_flows: list | None = None) -> GoflowEngine:
    flow = {"uuid": FLOW_UUID, "name": "Fidelity", "spec_version": "13.1.0",
            "language": "eng", "type": flow_type, "nodes": nodes}
    if flow_type == "messaging_offline":
        flow["expire_after_minutes"] = 0
    assets = Assets.from_json({"flows": [flow, *(extra_flows or [])], "channels": [
        {**CHANNEL, "address": "+12065550000", "schemes": ["tel"], "roles": ["send", "receive"]}
    ]})
    clock = SequentialClock()
    env = Environment(default_country="US")
    env.now = clock.now
    return GoflowEngine(assets, env, clock=clock, uuids=SeededUUIDs(123456, clock),
                        limits=limits)


def contact(timezone: str = "") -> Contact:
    return Contact.from_json({"uuid": "5f3c8a1e-0000-4000-8000-0000000000aa", "name": "Ana",
                              "created_on": "2025-01-01T00:00:00Z", "urns": [URN],
                              "timezone": timezone or None})


def manual(params: dict[str, Any] | None = None) -> dict[str, Any]:
    trigger = {"type": "manual", "flow": {"uuid": FLOW_UUID, "name": "Fidelity"},
               "triggered_on": "2025-01-01T00:00:00Z"}
    if params is not None:
        trigger["params"] = params
    return trigger


def message(text: str, channel: dict[str, str] | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"urn": URN, "text": text}
    if channel is not None:
        msg["channel"] = channel
    return {"type": "msg", "resumed_on": "2025-01-01T00:00:00Z", "event": {
        "type": "msg_received", "uuid": "5f3c8a1e-0000-4000-8000-0000000000ee",
        "created_on": "2025-01-01T00:00:00Z", "msg": msg}}


def texts(sprint) -> list[str]:
    return [e["msg"]["text"] for e in sprint.events if e["type"] == "msg_created"]


def stored(engine: GoflowEngine, session, who: Contact):
    """The session as a server keeps it: written to JSON, read back."""
    return engine.read_session(json.dumps(engine.session_to_json(session)), who)


# -- limits -----------------------------------------------------------------------------------


def test_step_limit_failure_is_worded_as_goflow() -> None:
    # a node that leads back to itself: goflow fails the run after 100 steps
    engine = engine_for([node(1, [send(1, "again")], destination=1)])
    session, sprint = engine.start(contact(), manual())
    failures = [e["text"] for e in sprint.events if e["type"] == "failure"]
    assert failures == ["Reached maximum number of steps per sprint (100)"]
    assert session.status == "failed"


def test_run_limit_failure_is_worded_as_goflow() -> None:
    # goflow's own enter_flow_loop flows: each message starts two more runs
    assets = Assets.from_file(RUNNER / "enter_flow_loop.json")
    clock = SequentialClock()
    env = Environment()
    env.now = clock.now
    engine = GoflowEngine(assets, env, clock=clock, uuids=SeededUUIDs(1, clock),
                          limits=Limits(max_runs_per_session=10))
    flow = assets.flow_refs()[0]
    session, _ = engine.start(contact(), {"type": "manual", "flow": flow,
                                          "triggered_on": "2025-01-01T00:00:00Z"})
    failures: list[str] = []
    for _ in range(10):
        if session.status != "waiting":
            break
        sprint = engine.resume(session, message("name"))
        failures += [e["text"] for e in sprint.events if e["type"] == "failure"]
    assert failures == ["Reached maximum number of runs per session (10)"]
    assert len(session.runs) == 10


def test_sprint_limit_failure_is_worded_as_goflow() -> None:
    engine = engine_for([node(1, [send(1, "Name?")], wait_router(1, "Name"), destination=1,
                              exits=2)], limits=Limits(max_sprints_per_session=3))
    session, _ = engine.start(contact(), manual())
    engine.resume(session, message("a"))
    engine.resume(session, message("b"))
    sprint = engine.resume(session, message("c"))
    assert [e["text"] for e in sprint.events if e["type"] == "failure"] == [
        "Reached maximum number of sprints per session (3)"
    ]


# -- waits and the session input ---------------------------------------------------------------


def test_msg_wait_of_an_offline_flow_carries_its_expiry() -> None:
    # goflow always says when a wait expires: for a flow that never expires, at once
    engine = engine_for([node(1, [], wait_router(1, "Answer"), exits=2)], "messaging_offline")
    _, sprint = engine.start(contact(), manual())
    (wait,) = [e for e in sprint.events if e["type"] == "msg_wait"]
    assert wait["expires_on"] < wait["created_on"]  # read from the clock just before
    messaging = engine_for([node(1, [], wait_router(1, "Answer"), exits=2)])
    _, sprint = messaging.start(contact(), manual())
    (wait,) = [e for e in sprint.events if e["type"] == "msg_wait"]
    assert wait["expires_on"][:10] == "2025-05-07"  # messaging flows: three days on


def test_session_input_has_a_channel_only_if_the_assets_have_it() -> None:
    engine = engine_for([node(1, [], wait_router(1, "Answer"), exits=2)])
    session, _ = engine.start(contact(), manual())
    unknown = {"uuid": "5f3c8a1e-0000-4000-8000-0000000000c9", "name": "Elsewhere"}
    engine.resume(session, message("hello", unknown))
    assert "channel" not in session.input
    session, _ = engine.start(contact(), manual())
    engine.resume(session, message("hello", CHANNEL))
    assert session.input["channel"] == CHANNEL


def test_session_input_always_has_text() -> None:
    engine = engine_for([node(1, [], wait_router(1, "Answer"), exits=2)])
    session, _ = engine.start(contact(), manual())
    resume = message("")
    resume["event"]["msg"]["attachments"] = ["image/jpeg:http://example.com/a.jpg"]
    engine.resume(session, resume)
    assert session.input["text"] == ""
    assert session.input["attachments"] == ["image/jpeg:http://example.com/a.jpg"]


# -- the contact's time zone, and date results --------------------------------------------------


def date_flow() -> GoflowEngine:
    return engine_for([
        node(1, [], wait_router(1, "Birth Date", [{"uuid": "5f3c8a1e-0000-4000-c000-000000000001",
                                                    "type": "has_date"}]),
             destination=2, exits=2),
        node(2, [send(2, "Born @(format_datetime(results.birth_date.value, \"DD/MM/YYYY "
                         "tt:mm\")) (@results)")]),
    ])


def test_dates_are_read_in_the_contacts_time_zone() -> None:
    engine = date_flow()
    who = contact("America/Guayaquil")
    session, _ = engine.start(who, manual())
    sprint = engine.resume(stored(engine, session, who), message("born 1977-06-23 at 3:34 pm"))
    (result,) = [e for e in sprint.events if e["type"] == "run_result_changed"]
    assert result["value"] == "1977-06-23T15:34:00.000000-05:00"
    assert texts(sprint) == [
        "Born 23/06/1977 15:34 (Birth Date: 1977-06-23T15:34:00.000000-05:00)"
    ]


def test_reading_a_date_reads_the_clock_first() -> None:
    # goflow reads the clock (for the current year) whenever it looks for a date in the
    # environment's format, not for an ISO date: with a clock that ticks on each reading, the
    # result of a formatted date is stamped one tick later
    stamps = []
    for text in ("1977-06-23", "1977/06/23"):
        engine = date_flow()
        session, _ = engine.start(contact(), manual())
        sprint = engine.resume(session, message(text))
        (result,) = [e for e in sprint.events if e["type"] == "run_result_changed"]
        assert result["value"].startswith("1977-06-23T")  # (the time of day filled from now)
        stamps.append(result["created_on"])
    first, second = (NanoTime.parse(stamp).ns for stamp in stamps)
    assert second - first == 1_000_000_000


def test_results_render_as_sorted_name_value_lines() -> None:
    engine = engine_for([
        node(1, [], wait_router(1, "Color"), destination=2, exits=2),
        node(2, [], wait_router(2, "Beer"), destination=3, exits=2),
        node(3, [send(3, "@results|@(json(results.color.value))")]),
    ])
    session, _ = engine.start(contact(), manual())
    engine.resume(session, message("blue"))
    sprint = engine.resume(session, message("pilsner"))
    assert texts(sprint) == ['Beer: pilsner\nColor: blue|"blue"']


# -- @legacy_extra ----------------------------------------------------------------------------


def test_legacy_extra_has_trigger_params_then_result_extras() -> None:
    engine = engine_for([
        node(1, [send(1, "A: @legacy_extra")], wait_router(1, "Name Check", [
            {"uuid": "5f3c8a1e-0000-4000-c000-000000000002", "type": "has_pattern",
             "arguments": ["(\\w+) (\\w+)"]}]), destination=2, exits=2),
        node(2, [send(2, "B: @legacy_extra")]),
    ])
    who = contact()
    session, sprint = engine.start(who, manual({"Home-Town": {"city": "Quito"},
                                                "tags": ["a", "b"]}))
    assert texts(sprint) == ["A: {home_town: {city: Quito}, tags: [a, b]}"]
    sprint = engine.resume(stored(engine, session, who), message("Ben Haggerty"))
    assert texts(sprint) == [
        'B: {0: Ben Haggerty, 1: Ben, 2: Haggerty, home_town: {city: Quito}, '
        'name_check: {"0":"Ben Haggerty","1":"Ben","2":"Haggerty"}, tags: [a, b]}'
    ]


def test_legacy_extra_of_a_webhook_result_shows_the_body_as_it_came() -> None:
    from turnflow.goflow.legacy_extra import keep_text, legacy_extra
    from turnflow.goflow.results import snakify

    class FakeRun:
        results = {snakify("Webhook"): {"name": "Webhook", "value": "200",
                                        "created_on": "2025-01-01T00:00:00Z",
                                        "extra": keep_text({"ok": "true"}, '{ "ok": "true" }')}}

    extra = legacy_extra(FakeRun(), {"params": ["x"]})  # type: ignore[arg-type]
    assert extra.get("webhook") == '{ "ok": "true" }'
    assert extra.get("ok") == "true"
    assert extra.get("0") == "x"


def test_result_keys_are_snakified_as_goflow() -> None:
    from turnflow.goflow.results import snakify

    # runs of anything but letters, ASCII digits and _ become one _, and nothing is trimmed
    # but the white space around the name
    assert snakify("  Favorite Color ") == "favorite_color"
    assert snakify("Age?") == "age_"
    assert snakify("_Private Name") == "_private_name"
    assert snakify("mail@me.org") == "mail_me_org"
    assert snakify("昨夜のコ") == "昨夜のコ"
    assert snakify("Score ٣") == "score_"  # other scripts' digits aren't kept


def test_phone_numbers_default_to_the_contacts_country() -> None:
    # goflow's session environment: the contact's country (from its phone number) comes before
    # the environment's default country
    engine = engine_for([node(1, [], wait_router(1, "Phone", [
        {"uuid": "5f3c8a1e-0000-4000-c000-000000000003", "type": "has_phone"}]), exits=2)])
    rwandan = Contact.from_json({"uuid": "5f3c8a1e-0000-4000-8000-0000000000ab", "name": "Ana",
                                 "created_on": "2025-01-01T00:00:00Z",
                                 "urns": ["tel:+250788383383"]})
    session, _ = engine.start(rwandan, manual())
    sprint = engine.resume(session, message("call me on 0788 123 123"))
    (result,) = [e for e in sprint.events if e["type"] == "run_result_changed"]
    assert result["value"] == "+250788123123"


def test_a_new_contact_time_zone_applies_at_once() -> None:
    # goflow's session environment reads the contact's time zone whenever it is asked
    engine = engine_for([node(1, [
        send(1, "@(format_datetime(\"2025-01-01T00:00:00Z\", \"tt:mm\"))"),
        {"uuid": "5f3c8a1e-0000-4000-a000-000000000009", "type": "set_contact_timezone",
         "timezone": "Africa/Kigali"},
        send(2, "@(format_datetime(\"2025-01-01T00:00:00Z\", \"tt:mm\"))"),
    ])])
    _, sprint = engine.start(contact(), manual())
    assert texts(sprint) == ["00:00", "02:00"]


def test_resuming_an_ended_session_is_refused_in_goflows_words() -> None:
    import pytest

    from turnflow.core.engine import EngineError

    engine = engine_for([node(1, [send(1, "bye")])])
    session, _ = engine.start(contact(), manual())
    assert session.status == "completed"
    with pytest.raises(EngineError, match="^only waiting sessions can be resumed"):
        engine.resume(session, message("hello?"))


def test_legacy_extra_shows_a_result_extra_as_it_was_stored() -> None:
    # goflow keeps a result's extra as the JSON text it read: compact when the session was
    # stored compact, indented (at the extra's depth in the session) when stored indented
    engine = engine_for([
        node(1, [], wait_router(1, "Name Check", [
            {"uuid": "5f3c8a1e-0000-4000-c000-000000000004", "type": "has_pattern",
             "arguments": ["(\\w+) (\\w+)"]}]), destination=2, exits=2),
        node(2, [], wait_router(2, "Next"), destination=3, exits=2),
        node(3, [send(3, "@legacy_extra.name_check")]),
    ])
    shown = []
    for indent in (None, 4):
        who = contact()
        session, _ = engine.start(who, manual())
        engine.resume(session, message("Ben Haggerty"))
        text = json.dumps(engine.session_to_json(session), indent=indent)
        sprint = engine.resume(engine.read_session(text, who), message("next"))
        shown += texts(sprint)
    margin = " " * 20
    assert shown == [
        '{"0":"Ben Haggerty","1":"Ben","2":"Haggerty"}',
        f'{{\n{margin}    "0": "Ben Haggerty",\n{margin}    "1": "Ben",\n'
        f'{margin}    "2": "Haggerty"\n{margin}}}',
    ]
