"""A Rasa project as turnflow holds it once read (the reader is
:func:`turnflow.rasa.reading.load_project`): its config, domain, flows, NLU examples and
endpoints, the files they came from, and the problems met while reading them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .domain import Domain
from .flows import RasaFlow
from .nlu import NluData
from .problems import Problems


@dataclass(slots=True)
class RasaProject:
    path: Path
    domain: Domain = field(default_factory=Domain)
    flows: dict[str, RasaFlow] = field(default_factory=dict)  # by id, in reading order
    nlu: NluData = field(default_factory=NluData)
    config: dict[str, Any] = field(default_factory=dict)  # config.yml
    endpoints: dict[str, Any] = field(default_factory=dict)  # endpoints.yml, ${VARS} as written
    files: tuple[str, ...] = ()  # every file read
    flow_files: tuple[str, ...] = ()
    problems: Problems = field(default_factory=Problems)  # found while reading
    unreadable: tuple[str, ...] = ()  # files that are not YAML (or not readable)
    # the custom actions of its actions module (name -> function) and the warnings met
    # loading it, once loaded (see turnflow.rasa.custom_actions)
    actions: tuple[dict[str, Any], tuple[str, ...]] | None = None

    @property
    def user_flows(self) -> list[RasaFlow]:
        return [flow for flow in self.flows.values() if not flow.is_pattern]
