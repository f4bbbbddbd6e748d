"""goflow / RapidPro flows (spec 13.x to 14.4.2, and RapidPro's legacy format migrated on
read) as a family of the engine core: the reader, actions, routers and waits, the Excellent
evaluator and context, goflow's events, triggers, resumes and session JSON.

The public names are those in ``__all__``; everything else is the family's inside. They are
loaded when first used, so that importing one part (say the flow reader for ``turnflow
migrate``) doesn't load the whole engine.
"""

from __future__ import annotations

from ..lazy_exports import lazy_exports

# public name -> the module that defines it
_PUBLIC = {
    "ACTIONS": "actions", "ActionReadError": "actions", "BaseAction": "actions",
    "Assets": "assets", "AssetsError": "assets",
    "Contact": "contact",
    "GoflowEngine": "engine", "session_from_json": "engine", "session_to_json": "engine",
    "EVENT_TYPES": "events", "EventError": "events", "marshal_event": "events",
    "validate_event": "events",
    "ExportError": "export", "load_assets": "export", "load_export": "export",
    "match_message_trigger": "export", "message_trigger": "export", "migrate_flow": "export",
    "read_triggers": "export",
    "GoflowFamily": "family", "Services": "family",
    "GoflowFlow": "flow",
    "legacy_engine_semantics": "legacy.semantics",
    "LegacyVersionError": "legacy.versions", "upgrade_legacy": "legacy.versions",
    "read_flow": "reader",
    "ResumeError": "resumes", "msg_resume": "resumes", "read_resume": "resumes",
    "Case": "routers", "RandomRouter": "routers", "SwitchRouter": "routers",
    "GoflowRun": "session", "GoflowSession": "session",
    "SessionReadError": "session_json",
    "TriggerReadError": "triggers", "read_trigger": "triggers",
    "FlowReadError": "validation",
    "DialWait": "waits", "MsgWait": "waits", "Timeout": "waits",
}  # fmt: skip

__all__ = sorted(_PUBLIC)


__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC, globals())
