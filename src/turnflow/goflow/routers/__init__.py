"""goflow's routers: ``switch`` tests an operand against cases, ``random`` picks a category
at random. Both may wait for input first (see :mod:`turnflow.goflow.waits`)."""

from .base import GoflowRouter
from .random import RandomRouter
from .switch import Case, SwitchRouter

ROUTER_TYPES = {"switch": SwitchRouter, "random": RandomRouter}

__all__ = ["ROUTER_TYPES", "Case", "GoflowRouter", "RandomRouter", "SwitchRouter"]
