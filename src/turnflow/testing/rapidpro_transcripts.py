"""RapidPro's legacy transcript tests (``NAME.runs.json``) run on turnflow.

A transcript file (from the rapidpro/flows test suite) is a list of conversations, each::

    {"org": {"country", "primary_language", "timezone", "date_style", "anon"},
     "fields_initial": [{"key", "label", "value_type"}],
     "contact_initial": {"uuid", "name", "urns", "groups": [names], "fields": {key: text},
                         "language"},
     "messages": [{"type": "reply" | "input", "msg": text}, ...],
     "fields_created": [...], "contact_final": {...}}

The flow is ``NAME.json`` beside the file or in a sibling ``test_flows`` folder. Each
conversation starts the flow (migrated from its legacy version), answers with the inputs and
checks every reply in order, then the fields the flow created and the contact's name, groups,
field values (as the legacy engine wrote them) and language.

The legacy test suite ran with ``now`` = 2015-10-15T07:48:30.123456Z and a location resolver
that accepts any place name not starting with "x"; both are reproduced here.
"""

from __future__ import annotations

import json
import uuid as _uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import json_input
from ..errors import TurnflowError
from ..expressions import Environment
from ..expressions.locations import COUNTRY, STATE, Location, LocationHierarchy
from ..generators import NanoTime, SeededRandom, SeededUUIDs, SequentialClock
from ..goflow.assets import Assets
from ..goflow.contact import json_default
from ..goflow.engine import GoflowEngine
from ..goflow.export import assets_json_for, complete_assets, field_asset
from ..goflow.legacy.semantics import legacy_engine_semantics
from ..goflow.legacy.versions import iso639_3
from ..goflow.validation import F, FlowReadError, validate_fields
from .goflow_runner import read_contact

NOW = "2015-10-15T07:48:30.123456Z"
_DATE_FORMATS = {"day_first": "DD-MM-YYYY", "month_first": "MM-DD-YYYY"}
_FIELD_LETTERS = {"text": "T", "number": "N", "datetime": "D", "state": "S", "district": "I",
                  "ward": "W"}


class TranscriptError(TurnflowError):
    """A transcript file that can't be run (bad JSON, no flow next to it ...)."""


@dataclass
class ConversationResult:
    index: int
    passed: bool
    message: str = ""
    replies: list[str] = field(default_factory=list)


@dataclass
class TranscriptResult:
    name: str
    conversations: list[ConversationResult]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.conversations)


# --------------------------------------------------------------------------------------------
# finding files
# --------------------------------------------------------------------------------------------


def is_transcript_file(path: Path) -> bool:
    return path.name.endswith(".runs.json")


def find_transcripts(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(path.rglob("*.runs.json"))


def flow_file_for(runs_file: Path) -> Path:
    stem = runs_file.name.removesuffix(".runs.json")
    candidates = [runs_file.with_name(stem + ".json"),
                  runs_file.parent.parent / "test_flows" / (stem + ".json")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise TranscriptError(f"{runs_file}: no flow file {stem}.json beside it or in ../test_flows")


# --------------------------------------------------------------------------------------------
# the legacy suite's test location resolver
# --------------------------------------------------------------------------------------------


class AnyPlaceLocations(LocationHierarchy):
    """Every place name not starting with "x" is a place (the legacy tests' resolver)."""

    def __init__(self, country: str = "Country") -> None:
        super().__init__(Location(country, [], COUNTRY, None))
        self._made: dict[tuple[int, int, str], Location] = {}

    def _place(self, name: str, level: int, parent: Location | None) -> Location:
        parent = parent if parent is not None else (
            self.root if level == STATE else self._place("Unknown", level - 1, None))
        key = (level, id(parent), name.lower())
        if key not in self._made:
            location = Location(name, [], level, parent)
            parent.children.append(location)
            self._made[key] = location
        return self._made[key]

    def find_by_name(
        self, name: str, level: int, parent: Location | None = None, collation: str = "default"
    ) -> list[Location]:
        name = name.strip()
        if ">" in name:  # a result holding a location's path names that location
            found = self.find_by_path(name)
            return [found] if found is not None and found.level == level else []
        if level <= COUNTRY or not name or name.lower().startswith("x"):
            return []
        return [self._place(name, level, parent)]

    def find_by_path(self, path: str) -> Location | None:
        parts = [p.strip() for p in path.split(">")]
        if not parts or parts[0].lower() != self.root.name.lower():
            return None
        location: Location = self.root
        for level, name in enumerate(parts[1:], start=STATE):
            if not name or name.lower().startswith("x"):
                return None
            location = self._place(name, level, location)
        return location


# --------------------------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------------------------


def _environment(org: dict[str, Any], languages: list[str]) -> Environment:
    country = (org.get("country") or "").upper()
    primary = iso639_3(org.get("primary_language") or "", country) if org.get(
        "primary_language") else ""
    allowed = tuple(dict.fromkeys([lang for lang in [primary, *languages] if lang]))
    return Environment(
        date_format=_DATE_FORMATS.get(org.get("date_style") or "", "DD-MM-YYYY"),
        time_format="tt:mm",
        timezone=ZoneInfo(org.get("timezone") or "UTC"),
        default_country=country,
        allowed_languages=allowed,
        default_language=allowed[0] if allowed else "",
        redaction_policy="urns" if org.get("anon") else "none",
        random=SeededRandom(123456),
        legacy_dates=True,  # these conversations were written for the legacy engine's dates
    )


def _contact_json(data: dict[str, Any], assets: Any, now: str) -> dict[str, Any]:
    groups = []
    for name in data.get("groups") or []:
        group = assets.group(name=name)
        if group is not None:
            groups.append({"uuid": group["uuid"], "name": group["name"]})
    contact_uuid = str(data.get("uuid") or "contact")
    try:
        _uuid.UUID(contact_uuid)
    except ValueError:  # the legacy tests use ids like "1234"
        contact_uuid = str(_uuid.uuid5(_uuid.NAMESPACE_URL, f"turnflow:contact:{contact_uuid}"))
    return {
        "uuid": contact_uuid,
        "name": data.get("name") or "",
        "language": data.get("language") or "",
        "status": "active",
        "created_on": now,
        "urns": list(data.get("urns") or []),
        "groups": groups,
        "fields": {key: {"text": value} for key, value in (data.get("fields") or {}).items()},
    }


def _legacy_field_text(env: Environment, field_type: str, value: dict[str, Any] | None) -> str:
    """A goflow field value as the legacy engine wrote it (dates in the org's format)."""
    if not value:
        return ""
    if field_type == "datetime" and value.get("datetime"):
        moment = NanoTime.parse(value["datetime"]).to_datetime().astimezone(env.timezone)
        date_format = env.date_format.replace("YYYY", "%Y").replace("MM", "%m").replace("DD", "%d")
        return moment.strftime(f"{date_format} %H:%M")
    if field_type in ("state", "district", "ward") and value.get(field_type):
        return str(value[field_type]).split(">")[-1].strip()
    return str(value.get("text", ""))


def _flow_languages(definition: dict[str, Any]) -> list[str]:
    languages = [definition.get("language") or ""]
    languages.extend((definition.get("localization") or {}).keys())
    return [lang for lang in languages if lang and lang not in ("base", "und")]


_FIELD = (F("key", required=True), F("label"), F("value_type"))
_CONTACT = (F("uuid", "any"), F("name"), F("language"), F("urns", "list", item=F("")),
            F("groups", "list", item=F("")), F("fields", "dict", item=F("")))  # fmt: skip
_CONVERSATION = (
    F("org", "obj", fields=(F("country"), F("primary_language"), F("timezone"),
                            F("date_style"), F("anon", "bool"))),
    F("contact_initial", "obj", fields=_CONTACT), F("contact_final", "obj", fields=_CONTACT),
    F("fields_initial", "list", fields=_FIELD), F("fields_created", "list", fields=_FIELD),
    F("messages", "list", fields=(F("type", required=True), F("msg"))),
)  # fmt: skip


def check_conversation(spec: Any, index: int = 0) -> None:
    """Raise TranscriptError naming the part of a conversation that has the wrong type."""
    try:
        validate_fields(_CONVERSATION, spec, f"[{index}]")
    except FlowReadError as exc:
        raise TranscriptError(f"{exc.path}: {exc.message}") from None
    timezone = (spec.get("org") or {}).get("timezone")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise TranscriptError(
                f"[{index}].org.timezone: unknown time zone {timezone!r}"
            ) from None


def run_conversation(flow_data: Any, spec: dict[str, Any], index: int = 0) -> ConversationResult:
    """Run one conversation; never raises for a failing one."""
    try:
        check_conversation(spec, index)
        return _run(flow_data, spec, index)
    except TurnflowError as exc:  # the conversation (or its flow) can't be used
        return ConversationResult(index, False, f"broken test file: {exc}")
    except Exception as exc:  # a crash is that conversation failing
        return ConversationResult(index, False, f"crashed: {type(exc).__name__}: {exc}")


def _run(flow_data: Any, spec: dict[str, Any], index: int) -> ConversationResult:
    org = spec.get("org") or {}
    initial = spec.get("contact_initial") or {}
    final = spec.get("contact_final") or {}
    fields_initial = spec.get("fields_initial") or []
    with legacy_engine_semantics():  # the transcripts were written for the legacy engine
        data = assets_json_for(flow_data, country=org.get("country"), fields=fields_initial)
    known = {f["key"] for f in data.get("fields") or []}
    data.setdefault("fields", []).extend(
        field_asset(f) for f in fields_initial if f.get("key") not in known)
    complete_assets(data, extra_groups=[*(initial.get("groups") or []),
                                        *(final.get("groups") or [])])
    assets = Assets.from_json(data, "<transcript>")
    flow_ref = assets.flow_refs()[0]
    definition = assets.flow_definition(flow_ref["uuid"]) or {}

    env = _environment(org, _flow_languages(definition))
    clock = SequentialClock(NOW, 1000)
    env.now = clock.now
    env.locations = AnyPlaceLocations()
    engine = GoflowEngine(assets, env, clock=clock, uuids=SeededUUIDs(123456, clock))
    contact = read_contact(_contact_json(initial, assets, NOW), assets)

    expected = list(spec.get("messages") or [])
    replies: list[str] = []
    problems: list[str] = []

    def check_replies(events: list[dict[str, Any]]) -> None:
        for event in events:
            if event.get("type") != "msg_created":
                continue
            text = (event.get("msg") or {}).get("text", "")
            replies.append(text)
            if problems:
                continue
            if not expected:
                problems.append(f"unexpected extra reply: {text!r}")
            elif expected[0].get("type") != "reply":
                problems.append(f"got reply {text!r} where input {expected[0].get('msg')!r} "
                                f"was expected next")
            elif expected[0].get("msg") != text:
                problems.append(f"reply {len(replies)}: expected {expected[0].get('msg')!r}, "
                                f"got {text!r}")
            else:
                expected.pop(0)

    session, sprint = engine.start(contact, {
        "type": "manual", "flow": flow_ref, "triggered_on": NOW})
    check_replies(sprint.events)
    urn = (initial.get("urns") or ["tel:+12065550100"])[0]
    while expected and not problems:
        message = expected.pop(0)
        if message.get("type") != "input":
            problems.append(f"expected reply {message.get('msg')!r} was never sent")
            break
        if session.status != "waiting":
            problems.append(f"the flow ended ({session.status}) before input "
                            f"{message.get('msg')!r}")
            break
        sprint = engine.resume(session, _msg_resume(message.get("msg") or "", urn, clock))
        check_replies(sprint.events)
    if problems:
        return ConversationResult(index, False, "; ".join(problems), replies)

    problems.extend(_check_final(env, assets, session, fields_initial, spec))
    return ConversationResult(index, not problems, "; ".join(problems), replies)


def _msg_resume(text: str, urn: str, clock: SequentialClock) -> dict[str, Any]:
    return {"type": "msg", "event": {
        "type": "msg_received", "uuid": str(_uuid.uuid4()),
        "created_on": clock.now_time().format(),
        "msg": {"uuid": str(_uuid.uuid4()), "text": text, "urn": urn}}}


def _check_final(env: Environment, assets: Any, session: Any, fields_initial: list[Any],
                 spec: dict[str, Any]) -> list[str]:
    problems = []
    contact = json.loads(json.dumps(session.contact.to_json(), default=json_default))
    final = spec.get("contact_final") or {}
    if (contact.get("name") or None) != (final.get("name") or None):
        problems.append(f"contact name: expected {final.get('name')!r}, "
                        f"got {contact.get('name')!r}")
    got_groups = sorted(g.get("name") for g in contact.get("groups") or [])
    if got_groups != sorted(final.get("groups") or []):
        problems.append(f"contact groups: expected {sorted(final.get('groups') or [])}, "
                        f"got {got_groups}")
    if "language" in final and (contact.get("language") or None) != (final["language"] or None):
        problems.append(f"contact language: expected {final['language']!r}, "
                        f"got {contact.get('language')!r}")
    got_fields = {}
    for key, value in (contact.get("fields") or {}).items():
        asset = assets.field(key) or {}
        got_fields[key] = _legacy_field_text(env, asset.get("type", "text"), value)
    got_fields = {k: v for k, v in got_fields.items() if v != ""}
    if got_fields != (final.get("fields") or {}):
        problems.append(f"contact fields: expected {final.get('fields')}, got {got_fields}")

    initial_keys = {f.get("key") for f in fields_initial}
    created = set()
    for key in contact.get("fields") or {}:
        if key not in initial_keys:
            asset = assets.field(key) or {}
            letter = _FIELD_LETTERS.get(asset.get("type", "text"), "T")
            created.add((key, asset.get("name", key), letter))
    wanted = {
        (f.get("key"), f.get("label"), f.get("value_type"))
        for f in spec.get("fields_created") or []
    }
    if created != wanted:
        problems.append(f"created fields: expected {sorted(wanted)}, got {sorted(created)}")
    return problems


def run_transcripts(runs_file: Path, flow_file: Path | None = None) -> TranscriptResult:
    """Every conversation of a ``.runs.json`` file."""
    name = runs_file.name.removesuffix(".json")
    try:
        conversations = json_input.loads(runs_file.read_bytes())
        flow_path = flow_file or flow_file_for(runs_file)
        flow_data = json_input.loads(flow_path.read_bytes())
    except (OSError, json_input.JSONInputError, TranscriptError) as exc:
        return TranscriptResult(name, [ConversationResult(0, False, f"can't run: {exc}")])
    if not isinstance(conversations, list):
        return TranscriptResult(name, [ConversationResult(0, False, "not a list of conversations")])
    return TranscriptResult(name, [run_conversation(flow_data, spec, i)
                                   for i, spec in enumerate(conversations)])
