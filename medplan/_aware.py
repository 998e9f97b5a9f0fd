"""Aware datetimes in the model's classes: the validators that refuse naive ones, and how the plan writes them.

Shared by :mod:`medplan.model` and :mod:`medplan._seldom`, which holds the
model's classes a plain plan never makes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

__all__ = ["aware", "iso", "optional_aware"]


def aware(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: a naive datetime is refused (it compares unequal to every aware one)."""
    if isinstance(value, datetime) and value.utcoffset() is None:
        msg = f"'{attribute.name}' must be an aware datetime (got naive {value.isoformat()})"
        raise ValueError(msg)


def optional_aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: None, or an aware datetime."""
    if value is not None:
        aware(instance, attribute, value)


def iso(value: datetime | None) -> str | None:
    """As the plan JSON writes a moment: ISO 8601 with its offset, or null."""
    return None if value is None else value.isoformat()
