"""The events a Kata converse emits besides the core's (``run_started`` / ``run_ended`` when a
flow opens / closes, ``warning``): what :class:`~turnflow.kata.engine.ConverseResult` is made
of.

====================  =====================================================================
type                  fields
====================  =====================================================================
``kata_message``      ``message`` (processed: with ``intent`` and ``attributes``), ``flow``
``kata_response``     ``response`` (Kata's response shape: ``type``, ``content`` or
                      ``payload``, ``action``, ``flow``, ``intent``)
====================  =====================================================================
"""

from __future__ import annotations

MESSAGE_PROCESSED = "kata_message"
RESPONSE_CREATED = "kata_response"
