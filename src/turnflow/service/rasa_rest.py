"""Rasa's REST channel answer: the bot's messages as Rasa's collecting output channel lists
them (checked against rasa-pro 3.21's ``rest`` channel).

Per bot message: quick replies or buttons go with the text as one item; plain text is
split at blank lines into one item each; ``custom``, ``image``, ``attachment`` and each of
``elements`` are items of their own; keys whose value is null are left out.
"""

from __future__ import annotations

from typing import Any


def _item(recipient: str, **parts: Any) -> dict[str, Any]:
    item = {"recipient_id": recipient}
    item.update({key: value for key, value in parts.items() if value is not None})
    return item


def rest_messages(recipient: str, reply: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    text = reply.get("text")
    if reply.get("quick_replies"):
        out.append(_item(recipient, text=text, buttons=reply["quick_replies"]))
    elif reply.get("buttons"):
        out.append(_item(recipient, text=text, buttons=reply["buttons"]))
    elif text:
        out.extend(_item(recipient, text=part) for part in text.strip().split("\n\n"))
    if reply.get("custom"):
        out.append(_item(recipient, custom=reply["custom"]))
    if reply.get("image"):
        out.append(_item(recipient, image=reply["image"]))
    if reply.get("attachment") and reply.get("attachment") != reply.get("image"):
        out.append(_item(recipient, attachment=reply["attachment"]))
    for element in reply.get("elements") or []:
        title = f"{element.get('title', '')} : {element.get('subtitle', '')}"
        out.append(_item(recipient, text=title, buttons=element.get("buttons", [])))
    return out
