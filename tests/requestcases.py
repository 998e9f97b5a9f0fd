"""Helpers shared by the request tests in tests/api/: VALID with one field changed, and a refused request's case."""

from __future__ import annotations

import copy
from typing import Any

import attrs
from strategies import VALID

# request_with's value that deletes the field instead of setting it.
DELETE = object()
AC = ("patient", "anticoagulation")


def request_with(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    """A deep copy of VALID with the field at ``path`` set to ``value`` (or deleted)."""
    request = copy.deepcopy(VALID)
    *parents, last = path
    target: Any = request
    for key in parents:
        target = target.setdefault(key, {}) if isinstance(target, dict) else target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return request


@attrs.frozen(kw_only=True)
class InvalidRequest:
    """A request medplan refuses, and the field and whole message of the InputError it raises."""

    request: object
    field: str
    message: str
