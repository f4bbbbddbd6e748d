"""Conversation test runners: goflow's runner-test format (``goflow_runner``) and RapidPro's
legacy transcripts (``rapidpro_transcripts``)."""
