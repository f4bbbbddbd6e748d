"""goflow's action types, one module each, named after the type (``send_msg.py`` ...).

Importing this package imports them all, which registers them in ``ACTIONS``.
"""

from __future__ import annotations

from . import (  # noqa: F401  (imported to register their action types)
    add_contact_groups,
    add_contact_urn,
    add_input_labels,
    call_classifier,
    call_llm,
    call_resthook,
    call_webhook,
    enter_flow,
    open_ticket,
    play_audio,
    remove_contact_groups,
    request_optin,
    say_msg,
    send_broadcast,
    send_email,
    send_msg,
    set_contact_channel,
    set_contact_field,
    set_contact_language,
    set_contact_name,
    set_contact_status,
    set_contact_timezone,
    set_run_local,
    set_run_result,
    start_session,
    transfer_airtime,
)
from .base import ACTIONS, ActionReadError, BaseAction

__all__ = ["ACTIONS", "ActionReadError", "BaseAction"]
