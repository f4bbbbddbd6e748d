"""The default conversation-repair patterns (``default_patterns.yml``): their flows, and the
responses and slots they use. A project's own flow, response or slot of the same name wins."""

from __future__ import annotations

import functools
from pathlib import Path

from ..domain import Domain
from ..flows import RasaFlow
from ..problems import Problems
from ..reading import read_domain, read_flows_data
from ..yaml_io import load_yaml

PATTERNS_FILE = Path(__file__).with_name("default_patterns.yml")


@functools.cache
def default_patterns() -> tuple[Domain, dict[str, RasaFlow]]:
    """The patterns' domain (responses, slots) and flows, read once."""
    data = load_yaml(PATTERNS_FILE)
    problems = Problems()
    domain = read_domain([(str(PATTERNS_FILE), data)], problems)
    flows = read_flows_data(data, str(PATTERNS_FILE), problems)
    if problems.errors:  # our own file: a problem here is a bug, not a user's mistake
        raise RuntimeError("; ".join(str(problem) for problem in problems.errors))
    return domain, {flow.id: flow for flow in flows}
