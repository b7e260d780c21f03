"""A griffe extension for the API reference: each parameter typed from its own signature.

numpy docstrings may document several parameters in one entry
(``catalog, requests``). griffe then gives every name the type and default of
the first, so ``requests`` would read as a ``Catalog``. This extension sets
each documented parameter's type and default from the function's signature,
which is what the docstrings rely on (they state no types themselves).
"""

from __future__ import annotations

from typing import Any

import griffe


class SignatureTypedParameters(griffe.Extension):
    """Type every documented parameter from the signature, not from its entry's first name."""

    def on_function(self, *, func: griffe.Function, **kwargs: Any) -> None:
        """Fix the parsed Parameters sections of ``func``'s docstring in place."""
        if func.docstring is None or func.docstring.parser is None:
            return
        for section in func.docstring.parsed:
            if section.kind is not griffe.DocstringSectionKind.parameters:
                continue
            for entry in section.value:
                if entry.name not in func.parameters:
                    continue
                parameter = func.parameters[entry.name]
                if parameter.annotation is not None:
                    entry.annotation = parameter.annotation
                entry.value = parameter.default
