"""The engine core shared by every flow family: flow graph, sessions and runs, events."""
