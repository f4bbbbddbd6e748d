"""goflow's waits: a node waits for a message (``msg``) or for a forwarded call (``dial``)."""

from .dial import DialWait
from .msg import MsgWait, Timeout

WAIT_TYPES = {"msg": MsgWait, "dial": DialWait}

__all__ = ["WAIT_TYPES", "DialWait", "MsgWait", "Timeout"]
