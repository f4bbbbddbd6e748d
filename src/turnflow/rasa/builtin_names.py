"""Names a Rasa 3.21 project may use without declaring them: the default actions, the
patterns, and the slots and responses Rasa's default patterns bring (read off Rasa 3.21)."""

from __future__ import annotations

DEFAULT_ACTIONS = frozenset((
    "action_agent_request_user_input", "action_back", "action_cancel_flow",
    "action_cancel_interrupted_flows", "action_clarify_flows", "action_clean_stack",
    "action_continue_interrupted_flow", "action_correct_flow_slot", "action_deactivate_loop",
    "action_default_ask_affirmation", "action_default_ask_rephrase",
    "action_default_capabilities", "action_default_fallback", "action_extract_slots",
    "action_handoff_metric", "action_hangup", "action_listen", "action_repeat_bot_messages",
    "action_reset_routing", "action_restart", "action_revert_fallback_events",
    "action_run_slot_rejections", "action_send_text", "action_send_text_update",
    "action_session_start", "action_trigger_chitchat", "action_trigger_search",
    "action_two_stage_fallback", "action_unlikely_intent",
))  # fmt: skip

PATTERN_RESPONSES = frozenset((
    "utter_agent_busy", "utter_ask_continue_conversation",
    "utter_ask_continue_interrupted_flow_confirmation", "utter_ask_csat_score",
    "utter_ask_interrupted_flow_to_continue", "utter_ask_rephrase", "utter_ask_still_there",
    "utter_boolean_slot_rejection", "utter_can_do_something_else", "utter_cannot_handle",
    "utter_categorical_slot_rejection", "utter_clarification_no_options_rasa",
    "utter_clarification_options_rasa", "utter_closing_words",
    "utter_corrected_previous_input", "utter_csat_thank_you_satisfied",
    "utter_csat_thank_you_unsatisfied", "utter_float_slot_rejection",
    "utter_flow_cancelled_rasa", "utter_free_chitchat_response",
    "utter_human_handoff_not_available", "utter_inform_code_change", "utter_inform_hangup",
    "utter_internal_error_rasa", "utter_no_knowledge_base", "utter_no_relevant_answer_found",
    "utter_skip_question_answer", "utter_user_input_empty_error_rasa",
    "utter_user_input_too_long_error_rasa",
))  # fmt: skip

BUILTIN_SLOTS = frozenset((
    # the domain's own
    "flow_hashes", "mocked_datetime", "session_started_metadata", "requested_slot",
    "dialogue_stack", "return_value",
    # the default patterns'
    "confirm_correction", "consecutive_silence_timeouts", "continue_conversation",
    "continue_interrupted_flow_confirmation", "csat_score", "interrupted_flow_to_continue",
    "max_clarification_options", "silence_timeout",
))  # fmt: skip

# Rasa adds this categorical slot itself (values and initial value from config.yml's
# `language` and `additional_languages`) and refuses a domain that defines it
LANGUAGE_SLOT = "language"

PATTERN_PREFIX = "pattern_"
# patterns any flow may link to (pattern_chitchat: only patterns may)
LINKABLE_PATTERNS = frozenset((
    "pattern_human_handoff", "pattern_search", "pattern_customer_satisfaction",
))  # fmt: skip
