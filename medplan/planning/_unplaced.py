"""What :mod:`medplan.planning.rules` answers when it cannot give a medicine one row.

Made on first use, as :mod:`medplan._seldom`'s classes are: making a small attrs
class is about 1.3M instructions, and a one-shot plan whose every medicine
has its row (the bundled example) makes none of these. The rules test for
a row first and import this module only when the answer is not one; each
of the two the planner reads says it is the rules' (``__module__``), where it
is documented and looked up (``medplan.planning.rules.Unplaced`` imports
this module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from medplan._attrsrepr import AttrsValue

if TYPE_CHECKING:
    from medplan.model import Question
    from medplan.tables.drug_classes import DrugClassRule

__all__ = ["Missing", "NotInvolved", "Unplaced"]


@attrs.frozen(repr=False, eq=False)
class Unplaced(AttrsValue):
    """Why a medicine could not be matched to one row."""

    __module__ = "medplan.planning.rules"  # where it is documented and looked up

    question: Question


@attrs.frozen(repr=False, eq=False)
class NotInvolved(AttrsValue):
    """A row that applies only with fasting, sedation or contrast, for a procedure without it."""

    __module__ = "medplan.planning.rules"  # where it is documented and looked up

    rule: DrugClassRule


@attrs.frozen(repr=False, eq=False)
class Missing(AttrsValue):
    """The rule depends on something the order does not say: a regimen, route or indication.

    Only the rules make and read it (it is this module's, not the rules' own).
    """

    attribute: str
    values: tuple[str, ...]
    question: Question
