"""turnflow: one fast runtime for conversational flows."""

from .errors import ExpressionSyntaxError, LimitExceeded, TurnflowError

__version__ = "0.1.0"

__all__ = ["ExpressionSyntaxError", "LimitExceeded", "TurnflowError", "__version__"]
