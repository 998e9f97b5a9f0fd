"""Review items: every question a plan puts to the pharmacist, each with a stable id.

This is the one place review items are built. Where a rule finds a reason the
plan needs review, it makes a :class:`~medplan.model.Question` with one of
two calls:

- :func:`decide`: the pharmacist answers with a decision (``hold`` or
  ``continue`` for a medicine, ``confirmed`` for the plan as a whole);
- :func:`supply`: the request answers it by giving the data it lacks (a
  screening answer, CrCl, why the patient is anticoagulated); a decision for
  it is refused.

Each takes a ``slug`` naming the kind of question (``unconfirmed-rule``),
the ``reason`` as ``review_reasons`` words it, and the ``question`` in the
pharmacist's words. A new kind of reason needs only a new slug.

The plan gives each question its id (:func:`item_id`): ``<medicine>/<slug>``
for a medicine's question, where ``<medicine>`` is the input name
(``Plavix/unconfirmed-rule``) and the n-th medicine listed under the same
name is ``<name>#n`` (``Warfarin#2/unconfirmed-rule``); ``plan/<slug>`` for a
question about the plan as a whole (``plan/two-anticoagulants``). An id met
again in the same plan gets ``#2``, ``#3``... in plan order, so ids are unique
within a plan, and the same request and tables give the same ids.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from medplan.exceptions import InputError
from medplan.model import (
    Answer,
    AnswerWith,
    HoldDates,
    MedicationOrder,
    Question,
    ReviewItem,
)

if TYPE_CHECKING:
    from medplan.model import Decision

__all__ = [
    "CONFIRM",
    "HOLD_OR_CONTINUE",
    "decide",
    "item_id",
    "medicine_keys",
    "reviewed",
    "supply",
]

HOLD_OR_CONTINUE = (Answer.HOLD, Answer.CONTINUE)
CONFIRM = (Answer.CONFIRMED,)
# The request field the medicine's own fields are under; the plan puts its index in.
MEDICINE_FIELD = "medications[]"
# An unknown review id is answered with this many of the plan's ids.
_IDS_LISTED = 12


def decide(
    slug: str,
    reason: str,
    question: str,
    answers: Sequence[Answer],
    *,
    hold_dates: HoldDates | None = None,
    data: Sequence[str] = (),
    medicine: int | None = None,
) -> Question:
    """A question the pharmacist answers with a decision (and, if ``data`` names fields, also by data).

    ``hold_dates`` says, when ``answers`` has ``hold``, whether the plan
    proposes dates a hold may take (``proposed``) or the decision must give
    them (``required``).
    """
    return Question(
        slug=slug,
        reason=reason,
        question=question,
        answer_with=AnswerWith(decision=tuple(answers), hold_dates=hold_dates, data=tuple(data)),
        medicine=medicine,
    )


def supply(
    slug: str, reason: str, question: str, fields: Sequence[str], *, medicine: int | None = None
) -> Question:
    """A question the request answers by giving ``fields`` (``medications[].times`` for the medicine's own)."""
    return Question(
        slug=slug,
        reason=reason,
        question=question,
        answer_with=AnswerWith(data=tuple(fields)),
        medicine=medicine,
    )


def reviewed(questions: Sequence[Question]) -> str | None:
    """A medicine's ``review_reason``: its questions' reasons, joined; None without any."""
    return "; ".join(q.reason for q in questions) or None


def medicine_keys(medications: Sequence[MedicationOrder]) -> list[str]:
    """The id prefix of each medicine: its input name; ``<name>#n`` for the n-th of the same name.

    A key is never ``plan`` (the plan's own items) nor one given already (a
    medicine named ``Warfarin#2`` beside two named ``Warfarin``): such a name
    takes the next free ``#n``.
    """
    seen: dict[str, int] = {}
    used = {"plan"}
    keys = []
    for order in medications:
        count = seen.get(order.name, 0) + 1
        key = order.name if count == 1 else f"{order.name}#{count}"
        while key in used:
            count += 1
            key = f"{order.name}#{count}"
        seen[order.name] = count
        used.add(key)
        keys.append(key)
    return keys


def item_id(key: str | None, slug: str) -> str:
    """A question's id before de-duplication: ``<medicine key>/<slug>`` or ``plan/<slug>``."""
    return f"{'plan' if key is None else key}/{slug}"


def fields_of(answer_with: AnswerWith, index: int | None) -> AnswerWith:
    """The answer, its medicine's own fields given their place in the request."""
    if index is None or not any(f.startswith(MEDICINE_FIELD) for f in answer_with.data):
        return answer_with
    placed = tuple(f.replace(MEDICINE_FIELD, f"medications[{index}]", 1) for f in answer_with.data)
    return AnswerWith(decision=answer_with.decision, hold_dates=answer_with.hold_dates, data=placed)


def check_decision(
    decision: Decision, position: int, item_id_: str, answer_with: AnswerWith
) -> None:
    """Refuse a decision its item does not accept, naming the field at fault.

    ``position`` is the decision's place in the request's ``decisions``.
    """
    where = f"decisions[{position}]"
    if not answer_with.decision:
        fields = ", ".join(answer_with.data)
        raise InputError(
            f"{where}.review",
            f"must name an item a decision answers ({item_id_!r} is answered by giving {fields})",
        )
    if decision.answer not in answer_with.decision:
        accepted = ", ".join(a.value for a in answer_with.decision)
        raise InputError(
            f"{where}.answer",
            f"must be one of {accepted} for {item_id_!r} (got {decision.answer.value!r})",
        )
    proposed = answer_with.hold_dates is HoldDates.PROPOSED
    if decision.answer is Answer.HOLD and decision.last_dose is None and not proposed:
        raise InputError(
            f"{where}.last_dose",
            f"is required for {item_id_!r}: the plan proposes no dates, so a hold gives "
            "last_dose and resume",
        )


def refuse_unknown(decisions: Sequence[Decision], items: Sequence[ReviewItem]) -> None:
    """Refuse the first decision whose review id is not an item of the plan."""
    ids = [item.id for item in items]
    known = set(ids)
    for position, decision in enumerate(decisions):
        if decision.review in known:
            continue
        listed = ", ".join(ids[:_IDS_LISTED]) or "none: the plan needs no review"
        if len(ids) > _IDS_LISTED:
            listed += f" and {len(ids) - _IDS_LISTED} more"
        raise InputError(
            f"decisions[{position}].review",
            f"must be the id of one of the plan's review items (got {decision.review!r}; "
            f"its items: {listed})",
        )
