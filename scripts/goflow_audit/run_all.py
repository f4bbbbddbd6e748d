"""How far turnflow agrees with goflow's own Go unit-test tables, area by area.

goflow's test tables are read from a goflow git checkout (``GOFLOW_REPO``, a bare clone is
enough) at the commit the shared fixtures come from, turned into Python values by a small
reader of Go composite literals (gotable.py), and each row is run against turnflow. Nothing of
goflow is copied: the tables are read at run time. Rows that Python can't represent (Go's zero
date, nanosecond times) and random ones are skipped.

    PYTHONPATH=src python scripts/goflow_audit/run_all.py [-v]
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

AREAS = (
    "functions", "cases", "numbers", "dates", "layouts", "types", "templates", "words",
)

if __name__ == "__main__":
    for area in AREAS:
        importlib.import_module(f"{area}_audit").main("-v" in sys.argv)
