"""The events a Rasa conversation adds to the core's (``run_started`` / ``run_ended`` are
its flows starting and ending): what the bot said, slots set, actions run, flows cancelled,
interrupted and resumed, and what the user said and meant."""

USER_UTTERED = "user_uttered"  # text, intent, commands
BOT_UTTERED = "bot_uttered"  # utter_action, text, data (buttons...), metadata
SLOT_SET = "slot_set"  # name, value
ACTION_EXECUTED = "action_executed"  # name
FLOW_CANCELLED = "flow_cancelled"  # flow_id, step_id
FLOW_INTERRUPTED = "flow_interrupted"  # flow_id, step_id
FLOW_RESUMED = "flow_resumed"  # flow_id, step_id
