"""CDS Hooks: medplan as an ``appointment-book`` service, without the HTTP.

Pure functions for the service to call: :func:`discovery` is the body of
``GET {base}/cds-services``, :func:`appointment_book` the body of the answer
to ``POST {base}/cds-services/medplan-appointment-book``. Follows the CDS
Hooks specification (cds-hooks.hl7.org, 2.0: Discovery, Calling a CDS
Service, Prefetch Template, Card Attributes) and the ``appointment-book``
hook of the CDS Hooks library (context ``userId``, ``patientId``,
``encounterId``, ``appointments``).

**medplan fetches nothing.** It never calls the client's FHIR server (it
ignores ``fhirServer`` and ``fhirAuthorization``), so the client must send
every prefetch the discovery response asks for. A prefetch key left out
(the client did not or could not fetch it) is a review reason in the plan:
the medicines or results it would have held are unknown. A key sent as
``null`` is, as the specification defines it, a search that found nothing.

One card per proposed appointment (the hook usually books one):

- ``critical``: the patient has an absolute contraindication
  (``plan.contraindicated``), or the booking is too soon for the holds
  (``plan.booking.too_soon``);
- ``warning``: a medicine is held, or the plan needs review;
- ``info``: nothing to hold and nothing to review.

An appointment medplan cannot plan at all (no start, an invalid
Appointment) gets a ``warning`` card saying why; a hook request that is not
an ``appointment-book`` request is an :class:`~medplan.InputError`.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from medplan._version import __version__
from medplan.api import plan
from medplan.exceptions import InputError
from medplan.fhir.bundle import LOINC, OBSERVATIONS, capped_reasons, request_from_bundle
from medplan.model import Action, Plan
from medplan.render.wording import say_date, say_when
from medplan.request import parse_zone

__all__ = ["HOOK", "PREFETCH", "SERVICE_ID", "appointment_book", "discovery"]

HOOK = "appointment-book"
SERVICE_ID = "medplan-appointment-book"
_CODES = ",".join(f"{LOINC}|{code}" for code in OBSERVATIONS)
# Read and search queries only, with the patient as a token, as the
# specification recommends. Active records only: a stopped medicine is not planned.
PREFETCH: Mapping[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "medicationStatements": (
        "MedicationStatement?patient={{context.patientId}}&status=active,intended,on-hold,unknown"
    ),
    "medicationRequests": (
        "MedicationRequest?patient={{context.patientId}}&status=active,on-hold,draft,unknown"
    ),
    "observations": f"Observation?patient={{{{context.patientId}}}}&code={_CODES}",
}
# The specification's card summary: "One-sentence, <140-character".
_SUMMARY_MAX = 139
# Names for the card's cards' uuids (UUID 5 of the hook instance and appointment).
_CARD_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:medplan:cds-card")


def discovery() -> dict[str, Any]:
    """The discovery response: the one service, with its prefetch templates.

    >>> service, = discovery()["services"]
    >>> service["hook"], service["id"]
    ('appointment-book', 'medplan-appointment-book')
    >>> sorted(service["prefetch"])
    ['medicationRequests', 'medicationStatements', 'observations', 'patient']
    """
    return {
        "services": [
            {
                "hook": HOOK,
                "id": SERVICE_ID,
                "title": "medplan: medicines around a booked procedure",
                "description": (
                    "For each proposed appointment of a procedure in medplan's catalogue, which "
                    "medicines to hold, the last dose and the restart, the checks, and whether the "
                    "slot is too soon for the holds. Plans from the prefetched data only: send "
                    "every prefetch; one not sent sends the plan to pharmacist review."
                ),
                "prefetch": dict(PREFETCH),
                "usageRequirements": (
                    "The client sends every prefetch (medplan calls no FHIR server) and the "
                    "service is configured with the procedure's IANA time zone."
                ),
            }
        ]
    }


def _object(field: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(field, "must be an object")
    return value


def _text(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, "is required (text)")
    return value.strip()


def _appointments(value: object) -> list[Mapping[str, Any]]:
    """The proposed Appointments: a Bundle of them (the specification), or a list (its examples)."""
    if isinstance(value, Mapping) and value.get("resourceType") == "Bundle":
        items = [e.get("resource") for e in value.get("entry") or [] if isinstance(e, Mapping)]
    elif isinstance(value, list):
        items = value
    else:
        raise InputError("context.appointments", "must be a FHIR Bundle of Appointments")
    appointments = [
        item
        for item in items
        if isinstance(item, Mapping) and item.get("resourceType") == "Appointment"
    ]
    if not appointments:
        raise InputError("context.appointments", "holds no Appointment")
    return appointments


def _prefetched(prefetch: Mapping[str, Any]) -> tuple[list[Mapping[str, Any]], list[str]]:
    """The prefetched resources, and a review reason for each prefetch not sent."""
    resources: list[Mapping[str, Any]] = []
    missing: list[str] = []
    for key in PREFETCH:
        if key not in prefetch:
            missing.append(
                f"prefetch.{key}: not sent, and medplan fetches nothing from the FHIR server: "
                "what it holds is unknown; the client must send it"
            )
            continue
        value = prefetch[key]
        if value is None:
            continue  # the specification's "no data": nothing found
        if isinstance(value, Mapping) and value.get("resourceType") == "Bundle":
            resources += [
                e["resource"]
                for e in value.get("entry") or []
                if isinstance(e, Mapping) and isinstance(e.get("resource"), Mapping)
            ]
        elif isinstance(value, Mapping) and isinstance(value.get("resourceType"), str):
            resources.append(value)
        else:
            missing.append(f"prefetch.{key}: is not a FHIR resource or Bundle: not used")
    return resources, missing


def _md(text: object) -> str:
    """Text for GitHub-flavoured Markdown: its special characters escaped, one line."""
    out = " ".join(str(text).split())
    for char in "\\`*_[]<>|~":
        out = out.replace(char, "\\" + char)
    return out


def _summary(text: str) -> str:
    return text if len(text) <= _SUMMARY_MAX else text[: _SUMMARY_MAX - 1].rstrip() + "…"


def _indicator(result: Plan) -> str:
    if result.contraindicated or (result.booking is not None and result.booking.too_soon):
        return "critical"
    held = any(m.action is not Action.CONTINUE for m in result.medications)
    return "warning" if held or result.needs_review else "info"


def _summary_for(result: Plan, indicator: str) -> str:
    day = say_date(result.procedure.start.date())
    if result.contraindicated:
        return _summary(
            f"Do not book: the patient has an absolute contraindication to {result.procedure.name}"
        )
    if indicator == "critical" and result.booking is not None:
        return _summary(
            f"Too soon for the medicine holds: earliest safe start {say_when(result.booking.earliest_start)}"
        )
    held = [m for m in result.medications if m.action is Action.HOLD]
    review = [m for m in result.medications if m.action is Action.REVIEW]
    if indicator == "info":
        return _summary(f"No medicine to hold before the procedure on {day}")
    parts = []
    if held:
        parts.append(f"hold {len(held)} medicine{'s' if len(held) != 1 else ''}")
    if review:
        parts.append(f"{len(review)} for pharmacist review")
    if not parts:
        parts.append("the plan needs pharmacist review")
    return _summary(f"Before the procedure on {day}: {', '.join(parts)}")


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else _md(say_when(moment))


def _detail(result: Plan, notes: list[str]) -> str:
    procedure = result.procedure
    heading = (
        f"**{_md(procedure.name)}**, {_md(say_when(procedure.start))} ({_md(procedure.zone.key)}), "
        f"{procedure.bleeding_risk.value} bleeding risk ({_md(result.guideline)})"
    )
    lines = [heading, ""]
    if result.contraindicated:
        lines += [
            "**Do not book this procedure**: an absolute contraindication was answered yes.",
            "",
        ]
    if result.booking is not None:
        booking = result.booking
        lines.append(f"Earliest safe start: **{_md(say_when(booking.earliest_start))}**.")
        if booking.notify_by is not None:
            lines.append(f"Tell the patient by {_md(say_when(booking.notify_by))}.")
        if booking.too_soon:
            lines.append("**The booked start is too soon** for the medicine holds.")
        lines.append("")
    if result.medications:
        lines += [
            "| Medicine | Action | Last dose | Restart | Check |",
            "|---|---|---|---|---|",
        ]
        for medicine in result.medications:
            checks = "; ".join(f"{c.describe()} on {say_date(c.on)}" for c in medicine.checks)
            lines.append(
                f"| {_md(medicine.input)} | {medicine.action.value} | {_when(medicine.last_dose)} "
                f"| {_when(medicine.resume)} | {_md(checks) if checks else '-'} |"
            )
        lines.append("")
    else:
        lines += ["No medicines were sent.", ""]
    if result.needs_review:
        lines.append("**Needs pharmacist review** before anything is given to the patient:")
        lines += [f"- {_md(reason)}" for reason in result.review_reasons]
        lines.append("")
    if notes:
        lines.append("Not planned:")
        lines += [f"- {_md(note)}" for note in notes]
        lines.append("")
    lines.append(
        "medplan is decision support: a pharmacist and the proceduralist confirm every plan."
    )
    return "\n".join(lines)


def page_link(page_url: str, request: Mapping[str, Any]) -> str:
    """The pharmacist page's URL with ``request`` after ``#request=``, which the page plans and shows.

    The request is compact JSON in unpadded base64url. It travels in the
    fragment, which a browser never sends, so the patient's data reaches no
    server's access log; the page posts it to ``/v1/plan`` as a request body.
    """
    text = json.dumps(request, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    encoded = base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")
    return f"{page_url}#request={encoded}"


def _card(
    summary: str,
    indicator: str,
    detail: str,
    card_id: str,
    links: list[tuple[str, str]],
) -> dict[str, Any]:
    card: dict[str, Any] = {
        "uuid": card_id,
        "summary": summary,
        "indicator": indicator,
        "detail": detail,
        "source": {"label": f"medplan {__version__}"},
    }
    if links:
        card["links"] = [{"label": label, "url": url, "type": "absolute"} for label, url in links]
    return card


def _absolute(name: str, url: str | None) -> None:
    if url is not None and not url.startswith(("https://", "http://")):
        raise InputError(name, f"must be an absolute http(s) URL (got {url!r})")


# Where a hook request carries the pharmacist's decisions (CDS Hooks lets a
# request carry extensions; a service ignores those it does not know).
DECISIONS_EXTENSION = "medplan-decisions"


def _decisions(extension: object) -> list[Any] | None:
    """The decisions a hook request's ``extension`` carries; None when it carries none."""
    if extension is None:
        return None
    given = _object("extension", extension).get(DECISIONS_EXTENSION)
    if given is None:
        return None
    if not isinstance(given, list):
        raise InputError(f"extension.{DECISIONS_EXTENSION}", "must be a list of decisions")
    return given


def appointment_book(
    hook_request: Mapping[str, Any],
    *,
    timezone: str,
    now: datetime | str | None = None,
    plan_url: str | None = None,
    page_url: str | None = None,
) -> dict[str, Any]:
    """Answer an ``appointment-book`` hook: one card per proposed appointment.

    Args:
        hook_request: The hook request as decoded JSON: ``hook``,
            ``hookInstance``, ``context`` (``userId``, ``patientId``,
            ``appointments``: a Bundle of proposed Appointments),
            ``prefetch`` (the keys of :data:`PREFETCH`) and, once a
            pharmacist has answered the plan's review items,
            ``extension.medplan-decisions`` (the request's ``decisions``;
            one refused makes its appointment's card say why).
        timezone: The procedure's IANA zone, which FHIR instants lack.
        now: When the booking is made; with it, each card gives the earliest
            safe start and says whether the slot is too soon.
        plan_url: An absolute URL of the full plan, linked from the card.
        page_url: The absolute URL of medplan's pharmacist page; each
            planned card links to it with its appointment's request (see
            :func:`page_link`), so the full plan, the patient's calendar and
            the .ics are one click away without medplan storing anything.

    Returns:
        ``{"cards": [...]}``, the response body.

    Raises:
        InputError: The request is not an ``appointment-book`` hook request
            (its field is named), or ``plan_url`` or ``page_url`` is not
            absolute.
        MissingExtraError: The ``fhir`` extra is not installed.
    """
    request = _object("request", hook_request)
    if request.get("hook") != HOOK:
        raise InputError("hook", f"must be {HOOK!r} (got {request.get('hook')!r})")
    instance = _text("hookInstance", request.get("hookInstance"))
    context = _object("context", request.get("context"))
    patient_id = _text("context.patientId", context.get("patientId"))
    appointments = _appointments(context.get("appointments"))
    _absolute("plan_url", plan_url)
    _absolute("page_url", page_url)
    parse_zone("timezone", timezone)  # the service's configuration, not the hook's data
    prefetch = request.get("prefetch")
    resources, missing = _prefetched(prefetch if isinstance(prefetch, Mapping) else {})
    if prefetch is not None and not isinstance(prefetch, Mapping):
        missing.append("prefetch: is not an object: not used")
    # The context's patient is the hook's: records of another are never planned.
    others = [
        InputError(
            "prefetch.patient",
            f"is Patient/{resource.get('id')}, not the context's patient {patient_id}: "
            "no plan is made from another patient's records",
        )
        for resource in resources
        if resource.get("resourceType") == "Patient" and resource.get("id") != patient_id
    ]
    decisions = _decisions(request.get("extension"))
    cards = []
    for index, appointment in enumerate(appointments):
        entries = [appointment, *resources]
        if not any(r.get("resourceType") == "Patient" for r in resources):
            entries.append({"resourceType": "Patient", "id": patient_id})
        bundle = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": r} for r in entries],
        }
        name = f"Appointment/{appointment.get('id', index)}"
        card_id = str(uuid.uuid5(_CARD_NAMESPACE, f"{instance}|{name}"))
        try:
            if others:
                raise others[0]
            read = request_from_bundle(bundle, timezone=timezone, now=now)
            reasons = capped_reasons([*(str(item) for item in read.unmapped), *missing])
            body = {
                **read.request,
                **({"review_reasons": reasons} if reasons else {}),
                **({"decisions": decisions} if decisions is not None else {}),
            }
            result = plan(body)
        except InputError as error:
            cards.append(
                _card(
                    _summary(f"medplan could not plan {name}: pharmacist review needed"),
                    "warning",
                    f"medplan could not plan this appointment: {_md(error)}",
                    card_id,
                    [],
                )
            )
            continue
        indicator = _indicator(result)
        links = [] if plan_url is None else [("The full medplan plan", plan_url)]
        if page_url is not None:
            links.append(("The plan in medplan's pharmacist page", page_link(page_url, body)))
        cards.append(
            _card(
                _summary_for(result, indicator),
                indicator,
                _detail(result, [str(n) for n in read.notes]),
                card_id,
                links,
            )
        )
    return {"cards": cards}
