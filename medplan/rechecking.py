"""Stored plans stay honest: plan a stored plan's request again and say what changed.

A booking system keeps plans for weeks while the table, the clinic policy or
medplan itself may change. :func:`recheck` plans the request a stored plan
carries (``plan["request"]``) with the current table and policy and compares
the two plan JSONs field by field. Any difference outside the provenance
fields (versions and hashes, which say what the plan was made with) means the
stored plan is stale.

A plan a pharmacist signed off (its request carries ``decisions``) is stale
too when the tables it was made with changed under the decisions, even if
every answer is the same: the pharmacist decided on those tables. A decision
the new plan can no longer take (its item is gone: the table's row is now
confirmed, say) is reported, and the request is planned again without it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from medplan.exceptions import InputError

if TYPE_CHECKING:
    from medplan.model import Plan
    from medplan.tables.drug_classes import Table
    from medplan.tables.policies import Profiles

__all__ = ["Difference", "Recheck", "recheck"]

# What a plan was made with, not what it says: a new table version with the
# same answers is worth reporting, but it does not make the plan stale.
_PROVENANCE = (
    "medplan_version",
    "table_version",
    "data_versions",
    "policy.source",
    "anticoagulation.tables",
)


# Where the plan's moment came from: the stored plan may have taken it from the
# clock, and its request now carries it, so a new plan says "request". The
# moment itself, booking.now, is compared.
_NOT_COMPARED = ("booking.now_source",)


def _is_provenance(path: str) -> bool:
    return any(path == p or path.startswith((f"{p}[", f"{p}.")) for p in _PROVENANCE)


@attrs.frozen
class Difference:
    """One field whose value differs: its path in the plan JSON, the stored value and the new one.

    A value that is absent on one side (a list grew, a field was added) is ``None`` there
    and ``missing`` names the side.
    """

    path: str
    stored: Any
    current: Any
    missing: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """As the recheck JSON gives it."""
        return {
            "path": self.path,
            "stored": self.stored,
            "current": self.current,
            "missing": self.missing,
        }

    def __str__(self) -> str:
        """``path: stored -> current``, as the text report shows it."""
        if self.missing == "stored":
            return f"{self.path}: (none) -> {_say(self.current)}"
        if self.missing == "current":
            return f"{self.path}: {_say(self.stored)} -> (none)"
        return f"{self.path}: {_say(self.stored)} -> {_say(self.current)}"


def _say(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return f"{type(value).__name__} of {len(value)}"
    return str(value)


@attrs.frozen
class Recheck:
    """The stored plan against a new plan of its request.

    ``changed`` is true when anything the plan says differs (``differences``);
    ``provenance`` lists the versions and hashes that changed (a new table,
    a new medplan) whether or not the answers did.
    """

    plan: Plan
    differences: tuple[Difference, ...]
    provenance: tuple[Difference, ...]
    # What became of the pharmacist's decisions: the tables changed under them,
    # or one no longer fits the plan.
    decisions: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the stored plan is stale: an answer, date or instruction differs, or a decision's footing."""
        return bool(self.differences or self.decisions)

    def to_dict(self) -> dict[str, Any]:
        """As ``medplan recheck --format json`` gives it."""
        return {
            "changed": self.changed,
            "differences": [d.to_dict() for d in self.differences],
            "provenance": [d.to_dict() for d in self.provenance],
            "decisions": list(self.decisions),
            "plan": self.plan.to_dict(),
        }


def _walk(path: str, stored: object, current: object) -> Iterator[Difference]:
    if isinstance(stored, Mapping) and isinstance(current, Mapping):
        for key in [*stored, *(k for k in current if k not in stored)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in current:
                yield Difference(where, stored[key], None, "current")
            elif key not in stored:
                yield Difference(where, None, current[key], "stored")
            else:
                yield from _walk(where, stored[key], current[key])
        return
    if isinstance(stored, list) and isinstance(current, list):
        for index in range(max(len(stored), len(current))):
            where = f"{path}[{index}]"
            if index >= len(current):
                yield Difference(where, stored[index], None, "current")
            elif index >= len(stored):
                yield Difference(where, None, current[index], "stored")
            else:
                yield from _walk(where, stored[index], current[index])
        return
    if stored != current or type(stored) is not type(current):
        yield Difference(path, stored, current)


def recheck(
    stored: Mapping[str, Any],
    *,
    table: Table | None = None,
    profiles: Profiles | None = None,
) -> Recheck:
    """Plan a stored plan's request again and compare.

    Args:
        stored: The plan JSON as the booking system stored it (decoded).
        table: The table to plan with now; the bundled one when omitted.
        profiles: The clinic policy profiles; the bundled ones when omitted.

    Returns:
        The new plan and every difference from the stored one.

    Raises:
        InputError: The stored plan carries no request, or its request is
            no longer valid (the message names the field inside ``request``).

    >>> import medplan
    >>> booked = medplan.plan({
    ...     "procedure": {"name": "TFESI", "start": "2026-12-08T09:30",
    ...                   "timezone": "Australia/Perth", "bleeding_risk": "intermediate"},
    ...     "medications": [{"name": "warfarin", "times": ["18:00"]}],
    ... }).to_dict()
    >>> recheck(booked).changed
    False
    >>> booked["medications"][0]["last_dose"] = "2026-12-03T18:00:00+08:00"
    >>> [str(d) for d in recheck(booked).differences]
    ['medications[0].last_dose: 2026-12-03T18:00:00+08:00 -> 2026-12-02T18:00:00+08:00']
    """
    # Imported here: the package imports this module whole (see its __init__),
    # and a command that never rechecks should not pay for the planner first.
    from medplan.api import plan  # noqa: PLC0415

    request = stored.get("request")
    if not isinstance(request, Mapping):
        raise InputError(
            "request", "the stored plan carries no request to plan again (it must be a JSON object)"
        )
    notes = []
    try:
        try:
            current = plan(request, table=table, profiles=profiles)
        except InputError as error:
            if not (error.field or "").startswith("decisions["):
                raise
            notes.append(
                f"a decision no longer fits the plan, which is planned without them: {error}"
            )
            current = plan(
                {k: v for k, v in request.items() if k != "decisions"},
                table=table,
                profiles=profiles,
            )
    except InputError as error:
        field = f"request.{error.field}" if error.field else "request"
        raise InputError(field, error.problem) from None
    found = [d for d in _walk("", stored, current.to_dict()) if d.path not in _NOT_COMPARED]
    provenance = tuple(d for d in found if _is_provenance(d.path))
    tables = [d for d in provenance if d.path != "medplan_version"]
    if request.get("decisions") and tables and not notes:
        notes.append(
            f"the tables changed under {len(current.decisions)} decision(s) "
            f"({', '.join(d.review for d in current.decisions)}): the pharmacist decided on "
            f"{', '.join(_say(d.stored) for d in tables if d.stored is not None) or 'other tables'}; "
            "confirm the decisions again"
        )
    return Recheck(
        plan=current,
        differences=tuple(d for d in found if not _is_provenance(d.path)),
        provenance=provenance,
        decisions=tuple(notes),
    )
