"""Conversation test runners (goflow's runner-test format for now)."""
