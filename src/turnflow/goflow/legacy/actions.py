"""Legacy actions (``reply``, ``send``, ``save``, ``add_group``...) as 13.0.0 actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..contactql import URN_SCHEMES
from .common import (
    Json,
    LegacyFlowError,
    MigrationState,
    array,
    migrate_template,
    obj,
    read_translations,
    text,
    transform_translations,
    url_join,
)


def migrate_action(action: Any, state: MigrationState) -> Json:
    """One legacy action as a new action (its UUID is kept)."""
    action = obj(action, "action")
    kind = text(action.get("type"), "type")
    migrate = _MIGRATORS.get(kind)
    if migrate is None:
        raise LegacyFlowError(f"unable to migrate legacy action type: {kind}")
    return migrate(action, text(action.get("uuid"), "uuid"), state)


# --------------------------------------------------------------------------------------------
# references
# --------------------------------------------------------------------------------------------


def _expression_or_name(value: Any) -> tuple[str, str]:
    """(uuid, name) of a legacy group/label reference: an object or a name (expression)."""
    if isinstance(value, str):
        name = migrate_template(value) if value.startswith("@") else value
        return "", name
    ref = obj(value, "reference")
    return _ref_text(ref.get("uuid")), _ref_text(ref.get("name"))


def _ref_text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _asset_ref(value: Any) -> Json:
    """A group or label reference: fixed by UUID, else matched by name."""
    uuid, name = _expression_or_name(value)
    if uuid:
        ref: Json = {"uuid": uuid}
        if name:
            ref["name"] = name
        return ref
    return {"name_match": name}


def _contact_refs(action: Json) -> list[Json]:
    refs = []
    for contact in array(action.get("contacts"), "contacts"):
        contact = obj(contact, "contact")
        refs.append({"uuid": text(contact.get("uuid")), "name": text(contact.get("name"))})
    return refs


def _group_refs(action: Json) -> list[Json]:
    return [_asset_ref(group) for group in array(action.get("groups"), "groups")]


def _flow_ref(action: Json) -> Json:
    flow = obj(action.get("flow"), "flow")
    return {"uuid": text(flow.get("uuid")), "name": text(flow.get("name"))}


def _variables(action: Json) -> list[str]:
    return [text(obj(v, "variable").get("id")) for v in array(action.get("variables"))]


# --------------------------------------------------------------------------------------------
# action types
# --------------------------------------------------------------------------------------------


def _add_label(action: Json, uuid: str, state: MigrationState) -> Json:
    labels = [_asset_ref(label) for label in array(action.get("labels"), "labels")]
    return {"uuid": uuid, "type": "add_input_labels", "labels": labels}


def _email(action: Json, uuid: str, state: MigrationState) -> Json:
    msg = action.get("msg", 0)  # missing fails as in goflow, null is ""
    msg = "" if msg is None else msg
    if not isinstance(msg, str):
        raise LegacyFlowError("email msg must be a string")
    return {
        "uuid": uuid,
        "type": "send_email",
        "addresses": [migrate_template(text(e)) for e in array(action.get("emails"), "emails")],
        "subject": migrate_template(text(action.get("subject"))),
        "body": migrate_template(msg),
    }


def _lang(action: Json, uuid: str, state: MigrationState) -> Json:
    return {"uuid": uuid, "type": "set_contact_language", "language": text(action.get("lang"))}


def _channel(action: Json, uuid: str, state: MigrationState) -> Json:
    channel = {"uuid": text(action.get("channel")), "name": text(action.get("name"))}
    return {"uuid": uuid, "type": "set_contact_channel", "channel": channel}


def _flow(action: Json, uuid: str, state: MigrationState) -> Json:
    return {"uuid": uuid, "type": "enter_flow", "flow": _flow_ref(action), "terminal": True}


def _trigger_flow(action: Json, uuid: str, state: MigrationState) -> Json:
    migrated: Json = {"uuid": uuid, "type": "start_session", "flow": _flow_ref(action)}
    contacts = _contact_refs(action)
    groups = _group_refs(action)
    create_contact = False
    legacy_vars = []
    for variable in _variables(action):
        if variable == "@new_contact":
            create_contact = True
        else:
            legacy_vars.append(migrate_template(variable))
    _set_if(migrated, "contacts", contacts)
    _set_if(migrated, "groups", groups)
    _set_if(migrated, "legacy_vars", legacy_vars)
    _set_if(migrated, "create_contact", create_contact)
    return migrated


def _reply_or_send(action: Json, uuid: str, state: MigrationState) -> Json:
    msg = read_translations(action.get("msg"), "msg")
    media = read_translations(action.get("media"), "media")
    quick_replies: dict[str, list[str]] = {}
    if action.get("quick_replies") is not None:
        items = [read_translations(item, "quick_replies")
                 for item in array(action.get("quick_replies"), "quick_replies")]
        quick_replies = transform_translations(items)

    for language, attachment in list(media.items()):
        media_type, sep, media_url = attachment.partition(":")
        if not sep:
            media_type, media_url = "image", attachment  # no content type means an image
        if "@" not in media_url:  # an upload, not an expression: make it absolute
            media[language] = f"{media_type}:{url_join(state.base_media_url, media_url)}"

    localization, base = state.localization, state.base_language
    migrated_text = localization.add_map(base, msg, uuid, "text")
    migrated_media = localization.add_map(base, media, uuid, "attachments")
    migrated_replies = localization.add_multi_map(base, quick_replies, uuid, "quick_replies")
    attachments = [migrated_media] if migrated_media else []

    if action.get("type") == "reply":
        migrated: Json = {"uuid": uuid, "type": "send_msg", "text": migrated_text}
        _set_if(migrated, "attachments", attachments)
        _set_if(migrated, "quick_replies", migrated_replies)
        _set_if(migrated, "all_urns", action.get("send_all") is True)
        return migrated

    migrated = {"uuid": uuid, "type": "send_broadcast", "text": migrated_text}
    _set_if(migrated, "attachments", attachments)
    _set_if(migrated, "quick_replies", migrated_replies)
    _set_if(migrated, "contacts", _contact_refs(action))
    _set_if(migrated, "groups", _group_refs(action))
    _set_if(migrated, "legacy_vars", [migrate_template(v) for v in _variables(action)])
    return migrated


def _add_group(action: Json, uuid: str, state: MigrationState) -> Json:
    return {"uuid": uuid, "type": "add_contact_groups", "groups": _group_refs(action)}


def _del_group(action: Json, uuid: str, state: MigrationState) -> Json:
    migrated: Json = {"uuid": uuid, "type": "remove_contact_groups"}
    groups = _group_refs(action)
    _set_if(migrated, "groups", groups)
    _set_if(migrated, "all_groups", not groups)  # no groups meant "from all groups"
    return migrated


def _save(action: Json, uuid: str, state: MigrationState) -> Json:
    value = migrate_template(text(action.get("value"), "value"))
    field = text(action.get("field"), "field")
    if field in ("name", "first_name"):
        if field == "first_name":  # keep the rest of the name: replace only the first word
            value = value.strip() + " @(word_slice(contact.name, 1, -1))"
        return {"uuid": uuid, "type": "set_contact_name", "name": value}
    if field in URN_SCHEMES:
        return {"uuid": uuid, "type": "add_contact_urn", "scheme": field, "path": value}
    if field == "tel_e164":
        return {"uuid": uuid, "type": "add_contact_urn", "scheme": "tel", "path": value}
    return {
        "uuid": uuid,
        "type": "set_contact_field",
        "field": {"key": field, "name": text(action.get("label"), "label")},
        "value": value,
    }


def _say(action: Json, uuid: str, state: MigrationState) -> Json:
    msg = read_translations(action.get("msg"), "msg")
    recording = read_translations(action.get("recording"), "recording")
    for language, audio_url in list(recording.items()):
        if audio_url:
            recording[language] = url_join(state.base_media_url, audio_url)
    localization, base = state.localization, state.base_language
    migrated: Json = {
        "uuid": uuid,
        "type": "say_msg",
        "text": localization.add_map(base, msg, uuid, "text"),
    }
    _set_if(migrated, "audio_url", localization.add_map(base, recording, uuid, "audio_url"))
    return migrated


def _play(action: Json, uuid: str, state: MigrationState) -> Json:
    # the URL is already absolute (usually an expression)
    audio_url = migrate_template(text(action.get("url"), "url"))
    return {"uuid": uuid, "type": "play_audio", "audio_url": audio_url}


def _set_if(target: Json, key: str, value: Any) -> None:
    """Set a property only when it has a value (goflow omits empty ones)."""
    if value:
        target[key] = value


_MIGRATORS: dict[str, Callable[[Json, str, MigrationState], Json]] = {
    "add_label": _add_label,
    "email": _email,
    "lang": _lang,
    "channel": _channel,
    "flow": _flow,
    "trigger-flow": _trigger_flow,
    "reply": _reply_or_send,
    "send": _reply_or_send,
    "add_group": _add_group,
    "del_group": _del_group,
    "save": _save,
    "say": _say,
    "play": _play,
}
