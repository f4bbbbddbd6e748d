"""goflow / RapidPro (current spec) flows: the reader, actions, routers and waits, the run
context and the engine (:class:`~turnflow.goflow.engine.GoflowEngine`), plus legacy flows and
RapidPro exports migrated to the current spec."""
