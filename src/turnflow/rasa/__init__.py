"""Rasa CALM projects (flows, domain, patterns, commands) as a family of the engine core."""
