"""The JSON Schemas (draft 2020-12) of the request and the plan, shipped in the package.

``request.schema.json`` and ``plan.schema.json`` sit beside this module. Each
carries ``schema_version`` (:data:`medplan.SCHEMA_VERSION`), and its ``$id``
ends in that version (``https://medplan.invalid/schemas/plan/1``). The ids are
names, never fetched: the plan schema's ``request`` refers to the request
schema by its ``$id``, so a validator needs both (with the ``jsonschema``
package: a ``referencing.Registry`` holding the two).

``openapi.json`` beside them is the OpenAPI 3.1 document of the HTTP service
(:mod:`medplan.web.app`); its request and response bodies refer to the two
schema files by name.
"""

from __future__ import annotations

import json
from typing import Any, Literal

__all__ = ["NAMES", "schema"]

NAMES = ("request", "plan")


def schema(name: Literal["request", "plan"]) -> dict[str, Any]:
    """The JSON Schema of the request or the plan, as a new dict on every call.

    Args:
        name: ``request`` or ``plan``.

    Returns:
        The decoded schema; the caller may change it.

    Raises:
        ValueError: ``name`` is neither.

    >>> schema("plan")["$id"]
    'https://medplan.invalid/schemas/plan/1'
    >>> schema("request")["properties"]["schema_version"]["enum"]
    [1, None]
    >>> schema("drug")  # type: ignore[arg-type]
    Traceback (most recent call last):
    ValueError: no schema named 'drug' (expected request or plan)
    """
    if name not in NAMES:
        msg = f"no schema named {name!r} (expected {' or '.join(NAMES)})"
        raise ValueError(msg)
    # importlib.resources only when asked: `medplan plan` does not pay for it at start-up.
    from importlib import resources  # noqa: PLC0415

    text = resources.files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    decoded: dict[str, Any] = json.loads(text)
    return decoded
