"""The calls a booking system makes: a request mapping in, a frozen plan (or answer) out.

Every function here takes the request as decoded JSON (see docs/request-and-plan.md for its
fields) and raises only :class:`medplan.MedplanError` subclasses on purpose:
:class:`~medplan.InputError` for the request, :class:`~medplan.TableError`
and :class:`~medplan.PolicyError` for the clinic's data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from medplan._made import evolved
from medplan._version import __version__
from medplan.exceptions import InputError
from medplan.model import Booking, Plan, Request
from medplan.planning.planner import make_plan
from medplan.request import FIRST_YEAR, LAST_YEAR, parse_request
from medplan.tables.bridging_doses import default_bridging_tables
from medplan.tables.care import CareSets, default_care
from medplan.tables.clinical_checks import default_clinical_checks
from medplan.tables.drug_classes import Table, default_table
from medplan.tables.procedures import default_catalogue
from medplan.tables.provenance import holidays_version, tz_version
from medplan.tables.thrombotic_risk import default_risk_table

if TYPE_CHECKING:
    from medplan.tables.policies import Profiles

__all__ = ["earliest", "plan"]

# A start that parses in every zone, for a request whose ``now`` gives no day.
_ANY_START = "2000-01-03T12:00"


def _with_now(request: Mapping[str, Any], now: datetime | str | None) -> Mapping[str, Any]:
    """The request with ``now`` set, as the request itself would give it."""
    if now is None:
        return request
    if isinstance(now, datetime):
        if now.utcoffset() is None:
            raise InputError("now", f"must be an aware datetime (got naive {now.isoformat()})")
        now = now.isoformat(timespec="minutes")
    return {**request, "now": now}


def _with_clock(
    request: Mapping[str, Any], clock: datetime | None
) -> tuple[Mapping[str, Any], bool]:
    """The request with the caller's clock as its ``now`` when it gives none; whether it did."""
    if clock is None or request.get("now") is not None:
        return request, False
    return _with_now(request, clock), True


def _from_clock(result: Plan) -> Plan:
    """The plan, saying that its ``now`` is the caller's clock."""
    assert result.booking is not None  # noqa: S101 - the clock gave the request a now
    return attrs.evolve(result, booking=attrs.evolve(result.booking, now_source="clock"))


# What json.dumps(request, ensure_ascii=False, separators=(",", ":"),
# allow_nan=False) makes anew at each call (its __init__ runs in Python).
_ECHO = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _echo(request: Mapping[str, Any]) -> str:
    """The request as compact JSON text, for the plan to carry."""
    try:
        return _ECHO.encode(request)
    except (TypeError, ValueError) as error:  # a Python caller's mapping, valid but not JSON
        raise InputError("request", f"must be JSON data ({error})") from None


def _parse(request: Mapping[str, Any], table: Table, profiles: Profiles | None) -> Request:
    return parse_request(
        request,
        table.guidelines,
        default_catalogue(),
        profiles=profiles,
        variants=table.variants,
    )


def plan(
    request: Mapping[str, Any],
    *,
    table: Table | None = None,
    profiles: Profiles | None = None,
    now: datetime | str | None = None,
    clock: datetime | None = None,
) -> Plan:
    """Validate a request and plan every medicine in it.

    Args:
        request: The request as decoded JSON (see docs/request-and-plan.md for its fields).
        table: A table from :func:`medplan.load_table`; the bundled one when
            omitted.
        profiles: The clinic policy profiles from :func:`medplan.load_profiles`
            that ``policy.profile`` names one of; the bundled ones when omitted.
        now: When the booking is made (an aware datetime, or text as the
            request's ``now`` field takes it); replaces the request's ``now``.
            With a ``now``, the plan answers the booking questions
            (``plan.booking``) and says plainly when a hold can no longer be met.
        clock: The moment the caller's clock reads (aware), taken at its
            boundary (the command line, the service): the ``now`` of a request
            that gives none, so that no plan is dated as if booked long ago.
            The plan's ``booking.now_source`` then says ``clock``. medplan
            itself never reads the clock.

    Returns:
        The frozen plan; ``plan.to_dict()`` is the documented JSON, and
        carries the request (with ``now``) so the plan can be checked again.

    Raises:
        InputError: The request is invalid; the message names the field.
        TableError: The table is malformed.
        PolicyError: The bundled policy profiles are malformed.

    >>> result = plan({
    ...     "procedure": {"name": "Lumbar nerve root sleeve injection",
    ...                   "start": "2026-12-08T09:30", "timezone": "Australia/Perth",
    ...                   "bleeding_risk": "intermediate"},
    ...     "medications": [{"name": "Coumadin", "times": ["18:00"]}],
    ... })
    >>> warfarin = result.medications[0]
    >>> warfarin.action.value, warfarin.last_dose.isoformat(), warfarin.resume.isoformat()
    ('hold', '2026-12-02T18:00:00+08:00', '2026-12-09T18:00:00+08:00')
    """
    table = default_table() if table is None else table
    request, clocked = _with_clock(_with_now(request, now), clock)
    parsed = _parse(request, table, profiles)
    care = default_care()
    result = make_plan(parsed, table, medplan_version=__version__, care=care)
    # The request is echoed with the clock's now: a recheck replans the same moment.
    result = evolved(
        result, request=_echo(request), data_versions=_data_versions(table, care, parsed)
    )
    return _from_clock(result) if clocked else result


def _data_versions(table: Table, care: CareSets, parsed: Request) -> tuple[str, ...]:
    """Every data file the plan was made from, and where its zone's rules came from."""
    versions = [
        table.version,
        default_catalogue().version,
        care.version,
        default_risk_table().version,
        *default_bridging_tables().versions,
        default_clinical_checks().version,
        tz_version(parsed.procedure.zone.key),
    ]
    holidays = holidays_version() if parsed.policy.lab_country is not None else None
    return (*versions, *([holidays] if holidays else []))


def earliest(
    request: Mapping[str, Any],
    *,
    now: datetime | str | None = None,
    table: Table | None = None,
    profiles: Profiles | None = None,
    clock: datetime | None = None,
) -> Booking:
    """The earliest start at which every hold can be met, and when to tell the patient.

    The answer does not depend on the request's ``procedure.start``, which
    may be left out here: the booking system asks before it offers a slot.
    ``notify_by`` is for a procedure booked at ``earliest_start``.

    Args:
        request: The request, as for :func:`plan`.
        now: When the patient would be told; replaces the request's ``now``,
            which one of the two must give.
        table: As for :func:`plan`.
        profiles: As for :func:`plan`.
        clock: As for :func:`plan`: the ``now`` when neither the request nor
            ``now`` gives one (``now_source`` is then ``clock``).

    Returns:
        The booking answers (``earliest_start``, ``notify_by``, ``limited_by``).

    Raises:
        InputError: The request is invalid, or gives no ``now``.

    >>> answer = earliest({
    ...     "procedure": {"name": "Lumbar nerve root sleeve injection",
    ...                   "timezone": "Australia/Perth", "bleeding_risk": "intermediate"},
    ...     "medications": [{"name": "warfarin", "times": ["18:00"]}],
    ... }, now="2026-12-02T10:00")
    >>> answer.earliest_start.isoformat(), answer.notify_by.isoformat(), answer.limited_by
    ('2026-12-07T00:00:00+08:00', '2026-12-02T18:00:00+08:00', ('warfarin',))
    """
    table = default_table() if table is None else table
    request, clocked = _with_clock(_with_now(request, now), clock)
    if request.get("now") is None:
        raise InputError("now", "is required to find the earliest start")
    procedure = request.get("procedure")
    if isinstance(procedure, Mapping) and procedure.get("start") is None:
        # Any start will do: the earliest start does not depend on it.
        request = {**request, "procedure": {**procedure, "start": _placeholder(request["now"])}}
    parsed = _parse(request, table, profiles)
    first = make_plan(parsed, table, medplan_version=__version__)
    assert first.booking is not None  # noqa: S101 - the request has a now
    at = first.booking.earliest_start
    moved = attrs.evolve(parsed, procedure=_moved(parsed, at))
    answer = make_plan(moved, table, medplan_version=__version__).booking
    assert answer is not None  # noqa: S101 - the same now
    return attrs.evolve(answer, now_source="clock") if clocked else answer


def _placeholder(now: object) -> str:
    """A start for a request that gives none: noon on the day of ``now``, a time no clock change skips.

    When ``now`` names no day a request may give, any start that parses will
    do: the request is then refused for its ``now``, not for a start the
    caller never sent.
    """
    if isinstance(now, str):
        try:
            day = date.fromisoformat(now.strip()[:10])
        except ValueError:
            return _ANY_START
        if FIRST_YEAR <= day.year <= LAST_YEAR:
            return f"{day.isoformat()}T12:00"
    return _ANY_START


def _moved(parsed: Request, start: datetime) -> Any:  # noqa: ANN401 - a Procedure; attrs.evolve is untyped
    procedure = parsed.procedure
    end = None
    if procedure.end is not None:
        length = procedure.end.astimezone(UTC) - procedure.start.astimezone(UTC)
        end = (start.astimezone(UTC) + length).astimezone(procedure.zone)
    return attrs.evolve(procedure, start=start, end=end)
