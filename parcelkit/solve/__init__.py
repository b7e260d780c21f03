"""The solving core: candidate parcels, quotes, diagnosis and the status map.

It imports the models and the verifier, never I/O, reports or the CLI.
"""

from parcelkit.solve.objectives import QuoteObjective
from parcelkit.solve.quote import quote

__all__ = ["QuoteObjective", "quote"]
