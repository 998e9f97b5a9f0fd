"""The classes a plain plan never makes: a pharmacist's decision, a bridging dose and its injections, a pasted name.

Making an attrs class is about 1.5M instructions, and a one-shot ``medplan
plan`` of a request that answers no review item, bridges no warfarin and
names each medicine as the table writes it (the bundled example) uses none
of these. :mod:`medplan.model` names ``Decision`` and ``BridgingDose``
(``medplan.Decision`` too), and :mod:`medplan.planning.medicine_names`
``ReadName``: each module imports this one the first time one of its
classes is asked for, and each class says it is that module's.
``Injections`` is made only with a bridging dose.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from medplan._attrsrepr import AttrsValue
from medplan._aware import iso as _iso
from medplan._aware import optional_aware as _optional_aware

if TYPE_CHECKING:
    from medplan.model import Answer, TimelineEvent

__all__ = ["BridgingDose", "Decision", "Injections", "ReadName"]


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Decision(AttrsValue):
    """A pharmacist's answer to one review item, as the request gives it.

    ``last_dose`` and ``resume`` (a ``hold`` only) are aware, in the
    procedure's zone; without them a hold takes the plan's proposal. ``at``
    is the plan's ``now`` when the request gave one: when the decision was
    recorded.
    """

    __module__ = "medplan.model"  # where it is documented and looked up

    review: str
    answer: Answer
    by: str
    reason: str | None = None
    last_dose: datetime | None = attrs.field(default=None, validator=_optional_aware)
    resume: datetime | None = attrs.field(default=None, validator=_optional_aware)
    at: datetime | None = attrs.field(default=None, validator=_optional_aware)

    def to_dict(self) -> dict[str, Any]:
        """As the plan JSON gives it."""
        return {
            "review": self.review,
            "answer": self.answer.value,
            "by": self.by,
            "reason": self.reason,
            "last_dose": _iso(self.last_dose),
            "resume": _iso(self.resume),
            "at": _iso(self.at),
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class BridgingDose(AttrsValue):
    """The bridging heparin's dose: by weight and renal function, rounded to what can be given."""

    __module__ = "medplan.model"  # where it is documented and looked up

    drug: str
    regimen: str
    dose: float
    unit: str
    last_dose_before: float
    exact: float
    per_kg: float
    weight_kg: float
    crcl_ml_min: float
    rule_id: str
    source: str

    def say(self, amount: float) -> str:
        """A dose as the instruction writes it: ``80 mg``, ``7,500 IU``."""
        return f"{amount:,g} {self.unit}"

    def to_dict(self) -> dict[str, Any]:
        """The dose as it appears in the plan JSON."""
        return {
            "drug": self.drug,
            "regimen": self.regimen,
            "dose": self.dose,
            "unit": self.unit,
            "last_dose_before": self.last_dose_before,
            "exact": self.exact,
            "per_kg": self.per_kg,
            "weight_kg": self.weight_kg,
            "crcl_ml_min": self.crcl_ml_min,
            "rule_id": self.rule_id,
            "source": self.source,
        }


@attrs.frozen(repr=False, eq=False)
class Injections(AttrsValue):
    """The bridging injections (medplan.planning.pathway), or why they cannot be dated."""

    events: tuple[TimelineEvent, ...]
    notes: tuple[str, ...]
    reason: str | None


@attrs.frozen(kw_only=True, repr=False, eq=False)
class ReadName(AttrsValue):
    """A pasted name taken apart.

    ``words`` is the name left (case-folded, single-spaced, ``+`` and ``/``
    between words read as ``and``); ``bracketed`` each bracket's words, read
    the same way; ``strengths`` the strengths taken off, as a pharmacist
    writes them; ``removed`` every piece taken off, as it was typed.
    """

    __module__ = "medplan.planning.medicine_names"  # where it is documented and looked up

    words: str
    bracketed: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def strength(self) -> str | None:
        """The strengths as one dose (``5 mg``; ``25 mg + 200 mg`` for two)."""
        return " + ".join(self.strengths) or None
