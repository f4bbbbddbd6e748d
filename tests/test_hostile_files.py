"""Files and stored data of the wrong shape end in turnflow's own one-line error, never a
traceback: JSON nested 10,000 deep, 5,000-digit numbers, lone surrogates, out-of-range
integers, contacts and sessions that don't fit."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from turnflow import json_input
from turnflow.cli import main
from turnflow.errors import TurnflowError
from turnflow.goflow import services as svc
from turnflow.goflow.contact import Contact, ContactError
from turnflow.goflow.engine import session_from_json, session_to_json
from turnflow.goflow.migrations import migrate
from turnflow.goflow.session_json import SessionReadError

from .test_engine_core import CONTACT, engine, manual, question_flow

RUNNER = Path("/work/shared/fixtures/goflow/test/testdata/runner")
TWO_QUESTIONS = json.loads((RUNNER / "two_questions.json").read_text())


def cli(capsys: pytest.CaptureFixture[str], *args: str, stdin: str = "") -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# -- JSON ----------------------------------------------------------------------------------------


def test_json_input_limits() -> None:
    with pytest.raises(json_input.JSONInputError, match="nested more than 100 levels"):
        json_input.loads("[" * 10_000 + "]" * 10_000)
    with pytest.raises(json_input.JSONInputError, match="nested more than 100 levels"):
        json_input.loads('{"a":' * 101 + "1" + "}" * 101)
    with pytest.raises(json_input.JSONInputError, match="5000 digits"):
        json_input.loads("9" * 5000)
    with pytest.raises(json_input.JSONInputError, match="line 1 column 2"):
        json_input.loads("{")
    with pytest.raises(json_input.JSONInputError):
        json_input.loads(b"\xff")
    assert json_input.loads('{"a\\udc80": ["x\\ud800", "\\ud83d\\ude00"]}') == {
        "a\ufffd": ["x\ufffd", "\U0001f600"]
    }


@pytest.mark.parametrize(
    "text, message",
    [("[" * 10_000 + "]" * 10_000, "nested more than 100 levels deep"),
     ('{"flows": [' + "9" * 5000 + "]}", "a number with 5000 digits"),
     ('{"flows": [}', "invalid JSON at line 1 column 12")],
)  # fmt: skip
@pytest.mark.parametrize("command", ["validate", "migrate", "chat"])
def test_bad_json_files_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str, command: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    code, output = cli(capsys, command, str(path))
    assert code == 2 and message in output and "Traceback" not in output
    assert len(output.strip().splitlines()) <= 2


def test_lone_surrogates_read_as_replacement_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copy.deepcopy(TWO_QUESTIONS)
    data["flows"][0]["name"] = "bad \udc80 name"
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(data))
    code, output = cli(capsys, "migrate", str(path))
    assert code == 0 and "bad \ufffd name" in output
    output.encode("utf-8")


def _current(data: dict) -> dict:
    data = copy.deepcopy(data)
    data["flows"][0] = migrate(data["flows"][0])
    return data


def test_integers_beyond_go_int_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _current(TWO_QUESTIONS)
    data["flows"][0]["expire_after_minutes"] = 10**30
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(data))
    code, output = cli(capsys, "validate", str(path))
    assert code == 2 and "field 'expire_after_minutes' must be an integer" in output


def test_a_huge_expiry_is_capped_at_gos_duration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _current(TWO_QUESTIONS)
    data["flows"][0]["expire_after_minutes"] = 2**62
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(data))
    lines = iter(["red"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    monkeypatch.setattr("sys.stdin.readline", lambda: next(lines, ""), raising=False)
    code, output = cli(capsys, "chat", str(path), "--events")
    assert '"expires_on": "23' in output and "Traceback" not in output


# -- contacts ------------------------------------------------------------------------------------

GOOD_CONTACT = {"uuid": "5d76d86b-3bb9-4d5a-b822-c9d86f5d8e4f", "name": "Bob",
                "created_on": "2020-01-01T00:00:00Z", "urns": ["tel:+12065551212"]}  # fmt: skip


@pytest.mark.parametrize(
    "change, message",
    [({"urns": "tel:+1234"}, "contact.urns: expected an array"),
     ({"urns": [5]}, r"contact.urns\[0\]: expected a URN"),
     ({"name": ["Bob"]}, "contact.name: expected a string"),
     ({"id": "7"}, "contact.id: expected a positive integer"),
     ({"groups": [None]}, r"contact.groups\[0\]"),
     ({"fields": []}, "contact.fields: expected an object"),
     ({"fields": {"age": 5}}, "contact.fields.age: expected an object"),
     ({"fields": {"age": {"text": "5", "number": "x"}}}, "contact.fields.age.number"),
     ({"fields": {"age": {"text": 5}}}, "contact.fields.age.text: expected a string"),
     ({"tickets": {"a": 1}}, "contact.tickets: expected an array")],
)  # fmt: skip
def test_contacts_of_the_wrong_shape_are_refused(change: dict, message: str) -> None:
    with pytest.raises(ContactError, match=message):
        Contact.from_json({**GOOD_CONTACT, **change})


def test_chat_with_a_bad_contact_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contact = tmp_path / "contact.json"
    contact.write_text(json.dumps({**GOOD_CONTACT, "urns": "tel:+1234"}))
    code, output = cli(capsys, "chat", str(RUNNER / "two_questions.json"), "--contact",
                       str(contact))  # fmt: skip
    assert code == 2 and output.strip() == "error: contact.urns: expected an array"


# -- stored sessions -----------------------------------------------------------------------------


def _stored() -> tuple[object, dict]:
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, manual("flow-1", "Question"))
    return eng, session_to_json(session)


def test_a_session_waiting_at_a_node_its_flow_lacks_is_refused() -> None:
    eng, data = _stored()
    data["runs"][0]["path"][-1]["node_uuid"] = "gone"
    with pytest.raises(SessionReadError, match="run is at node gone, which flow flow-1"):
        session_from_json(eng, data, CONTACT)


@pytest.mark.parametrize(
    "change",
    [lambda d: d["runs"][0]["path"][0].update(node_uuid=5),
     lambda d: d["runs"][0].update(status="sleeping"),
     lambda d: d["runs"][0].update(results={"answer": "yes"}),
     lambda d: d.update(sprints="many"),
     lambda d: d.update(runs="none"),
     lambda d: d["runs"][0].update(path=[None])],
)  # fmt: skip
def test_sessions_of_the_wrong_shape_are_refused(change) -> None:
    eng, data = _stored()
    change(data)
    with pytest.raises(SessionReadError):
        session_from_json(eng, json.dumps(data), CONTACT)


def test_a_session_nested_too_deeply_is_refused() -> None:
    eng, _ = _stored()
    with pytest.raises(SessionReadError, match="nested more than"):
        session_from_json(eng, "[" * 20_000 + "]" * 20_000, CONTACT)


# -- webhook bodies ------------------------------------------------------------------------------


def test_a_webhook_answering_json_nested_20000_deep_is_text() -> None:
    body = "[" * 20_000 + "]" * 20_000
    service = svc.MockHTTPService(
        {"http://x.io/": [{"status": 200, "body": body}]}, max_response_bytes=100_000
    )
    call = service.call("GET", "http://x.io/", {}, "")
    assert call.status() == "success" and call.json_text() is None
    assert call.webhook()["json"] is None and call.json() is None


def test_turnflow_errors_are_what_readers_raise() -> None:
    assert issubclass(json_input.JSONInputError, TurnflowError)
    assert issubclass(SessionReadError, TurnflowError) and issubclass(ContactError, TurnflowError)


# -- what callers hand the engine ---------------------------------------------------------------


@pytest.mark.parametrize(
    "trigger",
    [{"type": "manual", "flow": [None]}, {"type": "manual", "flow": {"uuid": ["x"]}},
     {"type": "msg", "flow": {"uuid": "flow-1"}, "event": 5},
     {"type": "msg", "flow": {"uuid": "flow-1"}, "event": {"msg": {"urn": 7}}},
     {"type": "flow_action", "flow": {"uuid": "flow-1"}, "run_summary": {"results": {"a": "x"}}},
     "manual"],
)  # fmt: skip
def test_triggers_of_the_wrong_shape_are_refused(trigger: object) -> None:
    from turnflow.goflow.inputs import InputShapeError

    with pytest.raises(InputShapeError, match="trigger"):
        engine(question_flow()).start(CONTACT, trigger)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "resume",
    [{"type": "msg", "event": True}, {"type": "msg", "event": {"created_on": []}},
     {"type": "msg", "event": {"type": "msg_received", "msg": {"text": ["hi"]}}},
     {"type": "dial", "dial": {"duration": "long"}}, [1]],
)  # fmt: skip
def test_resumes_of_the_wrong_shape_are_refused(resume: object) -> None:
    from turnflow.goflow.inputs import InputShapeError

    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, manual("flow-1", "Question"))
    with pytest.raises(InputShapeError, match="resume"):
        eng.resume(session, resume)  # type: ignore[arg-type]
    assert session.status == "waiting"


def test_a_session_at_a_node_that_no_longer_waits_fails_as_in_goflow() -> None:
    from turnflow.core import Node

    eng, data = _stored()
    ask = question_flow().nodes[0]
    changed = question_flow().__class__(
        "flow-1", "Question", (Node("ask", ask.actions, ask.exits[:1], None), *question_flow()
                               .nodes[1:]))  # fmt: skip
    later = engine(changed)
    session = session_from_json(later, data, CONTACT)
    message = {"text": "yes", "urn": "tel:+12065551212"}
    sprint = later.resume(session, {"type": "msg", "event": {"type": "msg_received",
                                                             "msg": message}})  # fmt: skip
    assert session.status == "failed"
    assert sprint.events[0]["type"] == "failure"
    assert sprint.events[0]["text"] == "Can't resume from node without a router or wait"


def test_a_time_zone_name_too_long_for_the_file_system_is_an_error() -> None:
    from turnflow.core import Exit, Node
    from turnflow.goflow.actions import ACTIONS
    from turnflow.goflow.flow import GoflowFlow

    action = ACTIONS["set_contact_timezone"].from_json({
        "uuid": "ad154980-7bf7-4ab8-8728-545fd6378912", "type": "set_contact_timezone",
        "timezone": '@(repeat("x", 5000))'})  # fmt: skip
    flow = GoflowFlow("flow-1", "Zone", (Node("n1", (action,), (Exit("x1"),)),))
    _, sprint = engine(flow).start(CONTACT, manual("flow-1", "Zone"))
    assert [e["type"] for e in sprint.events if e["type"] == "error"] == ["error"]


def test_eval_with_a_time_zone_name_too_long(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = cli(capsys, "eval", "@(now())", "--timezone", "x" * 5000)
    assert code == 2 and output.startswith("error: unknown time zone")


def test_a_contact_time_zone_too_long_for_the_file_system_reads_as_none() -> None:
    contact = Contact.from_json({**GOOD_CONTACT, "timezone": "x" * 5000})
    _, sprint = engine(question_flow()).start(contact, manual("flow-1", "Question"))
    assert sprint.events  # the session started: the zone is unknown, not a crash


def test_a_resume_the_wait_cannot_take_is_refused_and_changes_nothing() -> None:
    from turnflow.goflow.resumes import ResumeError

    eng, data = _stored()
    session = session_from_json(eng, data, CONTACT)
    dial = {"type": "dial", "event": {"type": "dial_ended",
                                      "dial": {"status": "answered", "duration": 5}}}  # fmt: skip
    with pytest.raises(ResumeError, match="resume of type dial not accepted by wait of type msg"):
        eng.resume(session, dial)
    assert session.status == "waiting" and session_to_json(session) == data
