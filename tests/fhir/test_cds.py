"""CDS Hooks: the discovery response and the appointment-book service's cards.

The hook request follows the CDS Hooks specification's example request (cds-hooks/docs,
docs/specification/current.md, "Calling a CDS Service": hook, hookInstance, context, prefetch) and
the appointment-book hook's context (HL7/cds-hooks-library, input/pagecontent/appointment-book.md:
userId, patientId, encounterId, appointments). Cards follow "Card Attributes" there: summary
"One-sentence, <140-character", indicator info, warning or critical, source with a label.
"""

from __future__ import annotations

import base64
import copy
import json

import attrs
import pytest
from cdscases import SCREENED, appointment, hook_request, warfarin_statement
from fhircases import ZONE

import medplan
import medplan.fhir.bundle
from medplan.fhir import cds


def test_discovery_lists_the_appointment_book_service_with_its_prefetch():
    """The discovery response has one appointment-book service with the spec's required fields and the patient-token prefetch."""
    (service,) = cds.discovery()["services"]

    assert service["hook"] == "appointment-book"
    assert service["id"] == "medplan-appointment-book"
    assert service["title"]
    assert service["description"]
    assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
    assert service["prefetch"]["medicationStatements"].startswith("MedicationStatement?patient={{context.patientId}}")
    assert service["prefetch"]["medicationRequests"].startswith("MedicationRequest?patient={{context.patientId}}")
    assert "http://loinc.org|6301-6" in service["prefetch"]["observations"]


def test_nothing_to_hold_gives_an_info_card():
    """A low-risk injection for a patient on no medicines, all sent, is one info card."""
    (card,) = cds.appointment_book(hook_request(), timezone=ZONE)["cards"]

    assert card["indicator"] == "info"
    assert card["summary"] == "No medicine to hold before the procedure on Tuesday 8 December 2026"
    assert card["source"] == {"label": f"medplan {medplan.__version__}"}
    assert "links" not in card


def test_a_held_medicine_gives_a_warning_card_with_its_dates():
    """Warfarin before an intermediate-risk injection is a warning card whose detail gives the last dose, restart and INR."""
    request = hook_request(appointment("tfesi-lumbar"), statements=[warfarin_statement()])

    (card,) = cds.appointment_book(request, timezone=ZONE, plan_url="https://booking.example/plans/apt1")["cards"]

    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Before the procedure on Tuesday 8 December 2026: hold 1 medicine")
    assert "| Warfarin | hold | Wednesday 2 December 2026 at 18:00 | Wednesday 9 December 2026 at 18:00 | INR \\<= 1.5 on Monday 7 December 2026 |" in card["detail"]
    assert card["links"] == [{"label": "The full medplan plan", "url": "https://booking.example/plans/apt1", "type": "absolute"}]


def test_a_booking_too_soon_gives_a_critical_card_with_the_earliest_start():
    """Asked the day before, warfarin cannot be held in time: critical, with the earliest safe start."""
    request = hook_request(appointment("tfesi-lumbar"), statements=[warfarin_statement()])

    (card,) = cds.appointment_book(request, timezone=ZONE, now="2026-12-07T10:00")["cards"]

    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Too soon for the medicine holds: earliest safe start")
    assert "Earliest safe start: **" in card["detail"]


def test_an_absolute_contraindication_gives_a_critical_card(monkeypatch):
    """A plan with an absolute contraindication answered yes is a critical 'do not book' card.

    FHIR carries no screening answers, so the plan is made with one added: this tests the card.
    """
    planned = cds.plan

    def with_screening(body):
        return planned({**body, "patient": {**body.get("patient", {}), **SCREENED, "cauda_equina_symptoms": True}})

    monkeypatch.setattr(cds, "plan", with_screening)

    (card,) = cds.appointment_book(hook_request(appointment("tfesi-lumbar")), timezone=ZONE)["cards"]

    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Do not book: the patient has an absolute contraindication")


def test_a_missing_prefetch_key_is_a_review_and_a_warning():
    """A prefetch key the client did not send is named as a review reason: medplan fetches nothing itself."""
    request = hook_request()
    del request["prefetch"]["medicationStatements"]

    (card,) = cds.appointment_book(request, timezone=ZONE)["cards"]

    assert card["indicator"] == "warning"
    assert "prefetch.medicationStatements: not sent, and medplan fetches nothing from the FHIR server" in card["detail"].replace("\\", "")


def test_every_summary_is_under_140_characters():
    """However long the procedure's name, the summary stays one line under 140 characters."""
    long_name = appointment("no-such-code", serviceType=[{"text": "A" * 300}])
    for request in (hook_request(), hook_request(long_name), hook_request(appointment("tfesi-lumbar"), statements=[warfarin_statement()])):
        for now in (None, "2026-12-07T10:00"):
            for card in cds.appointment_book(request, timezone=ZONE, now=now)["cards"]:
                assert len(card["summary"]) < 140
                assert "\n" not in card["summary"]


def test_each_proposed_appointment_gets_its_own_stable_card():
    """Two proposed appointments give two cards, whose uuids are the same for the same hook instance."""
    request = hook_request(appointment(), appointment(id="apt2", start="2026-12-09T09:30:00+08:00", end=None))

    first = cds.appointment_book(request, timezone=ZONE)["cards"]
    again = cds.appointment_book(copy.deepcopy(request), timezone=ZONE)["cards"]

    assert len(first) == 2
    assert [c["uuid"] for c in first] == [c["uuid"] for c in again]
    assert first[0]["uuid"] != first[1]["uuid"]


def test_the_spec_examples_list_of_appointments_is_accepted():
    """The hook page's examples send appointments as a JSON list, not a Bundle: both are read."""
    request = hook_request()
    request["context"]["appointments"] = [appointment()]

    (card,) = cds.appointment_book(request, timezone=ZONE)["cards"]

    assert card["indicator"] == "info"


def test_an_appointment_medplan_cannot_plan_gets_a_warning_card():
    """An appointment without a start cannot be planned: a warning card says why instead of no answer."""
    (card,) = cds.appointment_book(hook_request(appointment(start=None, end=None)), timezone=ZONE)["cards"]

    assert card["indicator"] == "warning"
    assert "Appointment/apt1.start: is required" in card["detail"]


def test_a_prefetched_patient_that_is_not_the_contexts_is_not_planned():
    """A prefetched Patient whose id is not context.patientId: no plan, a card that says why."""
    request = hook_request(appointment(participant=[]), patient={"resourceType": "Patient", "id": "someone-else"})

    (card,) = cds.appointment_book(request, timezone=ZONE)["cards"]

    assert card["indicator"] == "warning"
    assert card["detail"] == (
        "medplan could not plan this appointment: prefetch.patient: is Patient/someone-else, not the context's "
        "patient 1288992: no plan is made from another patient's records"
    )


@attrs.frozen(kw_only=True)
class NotAppointmentBookCase:
    """One case of test_a_request_that_is_not_an_appointment_book_request_is_refused: change, field."""

    change: object
    field: str


@pytest.mark.parametrize(
    "case",
    [
        NotAppointmentBookCase(change=lambda r: r.update(hook="patient-view"), field="hook"),
        NotAppointmentBookCase(change=lambda r: r.pop("hookInstance"), field="hookInstance"),
        NotAppointmentBookCase(change=lambda r: r["context"].pop("patientId"), field="context.patientId"),
        NotAppointmentBookCase(
            change=lambda r: r["context"].update(appointments={"resourceType": "Bundle", "entry": []}), field="context.appointments"
        ),
    ],
    ids=["hook", "hookInstance", "patientId", "no-appointments"],
)
def test_a_request_that_is_not_an_appointment_book_request_is_refused(case):
    """A malformed hook request is an InputError naming its field, for the service to answer 400."""
    request = hook_request()
    case.change(request)

    with pytest.raises(medplan.InputError) as excinfo:
        cds.appointment_book(request, timezone=ZONE)

    assert excinfo.value.field == case.field


def test_a_wrong_zone_and_a_relative_plan_url_are_refused():
    """The service's own settings are checked: an unknown zone and a relative plan URL are input errors."""
    with pytest.raises(medplan.InputError) as excinfo:
        cds.appointment_book(hook_request(), timezone="Perth")
    assert excinfo.value.field == "timezone"

    with pytest.raises(medplan.InputError) as excinfo:
        cds.appointment_book(hook_request(), timezone=ZONE, plan_url="/plans/1")
    assert excinfo.value.field == "plan_url"


def test_the_detail_escapes_markdown_in_names():
    """A medicine name with Markdown table characters cannot break the detail's table."""
    odd = warfarin_statement()
    odd["medicationCodeableConcept"] = {"text": "Warfarin | *bold* [link](x)"}

    (card,) = cds.appointment_book(hook_request(statements=[odd]), timezone=ZONE)["cards"]

    assert "Warfarin \\| \\*bold\\* \\[link\\](x)" in card["detail"]


@attrs.frozen(kw_only=True)
class MalformedHookCase:
    """One case of test_a_malformed_hook_request_is_refused_with_its_message: request_, message."""

    request_: object
    message: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(MalformedHookCase(request_="appointment-book", message="request: must be an object"), id="request-not-an-object"),
        pytest.param(
            MalformedHookCase(request_=hook_request() | {"context": "1288992"}, message="context: must be an object"), id="context-not-an-object"
        ),
        pytest.param(
            MalformedHookCase(
                request_=hook_request() | {"context": hook_request()["context"] | {"appointments": appointment()}},
                message="context.appointments: must be a FHIR Bundle of Appointments",
            ),
            id="one-appointment-not-in-a-bundle",
        ),
    ],
)
def test_a_malformed_hook_request_is_refused_with_its_message(case):
    """A hook request, or its context, that is not an object, and appointments neither a Bundle nor a list, are refused in words."""
    with pytest.raises(medplan.InputError) as excinfo:
        cds.appointment_book(case.request_, timezone=ZONE)

    assert str(excinfo.value) == case.message


def test_a_prefetch_that_is_not_fhir_is_reviewed_not_used():
    """A prefetch value that is neither a resource nor a Bundle is not used, and the pharmacist is told."""
    (card,) = cds.appointment_book(hook_request(observations="none"), timezone=ZONE)["cards"]

    assert card["indicator"] == "warning"
    assert "- prefetch.observations: is not a FHIR resource or Bundle: not used" in card["detail"].splitlines()


def test_a_prefetch_that_is_not_an_object_is_reviewed_whole():
    """A prefetch sent as a list gives nothing: every key is unknown, and the prefetch itself is named."""
    request = hook_request()
    request["prefetch"] = [{"resourceType": "Patient", "id": "1288992"}]

    (card,) = cds.appointment_book(request, timezone=ZONE)["cards"]

    lines = card["detail"].splitlines()
    assert card["indicator"] == "warning"
    assert "- prefetch: is not an object: not used" in lines
    assert sum(line.startswith("- prefetch.") and "not sent" in line for line in lines) == len(cds.PREFETCH)


def test_with_now_the_detail_says_when_to_tell_the_patient():
    """Asked in good time, the detail gives the earliest safe start and when the patient must be told: the first dose to leave out."""
    request = hook_request(appointment("tfesi-lumbar"), statements=[warfarin_statement()])

    (card,) = cds.appointment_book(request, timezone=ZONE, now="2026-12-01T10:00")["cards"]

    lines = card["detail"].splitlines()
    assert lines[2:4] == ["Earliest safe start: **Sunday 6 December 2026 at 00:00**.", "Tell the patient by Thursday 3 December 2026 at 18:00."]


def test_a_medicine_not_planned_is_listed_in_the_detail():
    """A completed MedicationStatement is not planned, and the detail lists it under 'Not planned'."""
    completed = warfarin_statement() | {"status": "completed"}

    (card,) = cds.appointment_book(hook_request(statements=[completed]), timezone=ZONE)["cards"]

    lines = card["detail"].splitlines()
    assert lines[lines.index("Not planned:") + 1] == "- MedicationStatement/ms1 status: Warfarin is completed: not planned"


def test_no_patient_found_plans_for_the_contexts_patient():
    """A patient prefetch that found nothing (null) plans for context.patientId: the card is the one the Patient itself gives."""
    with_patient = cds.appointment_book(hook_request(), timezone=ZONE)

    assert cds.appointment_book(hook_request(patient=None), timezone=ZONE) == with_patient


PAGE = "https://medplan.hospital.example/pharmacist"


def linked_request(url):
    """The request a pharmacist-page link carries after #request=."""
    page, _, fragment = url.partition("#request=")
    assert page == PAGE
    padded = fragment + "=" * (-len(fragment) % 4)
    return json.loads(base64.urlsafe_b64decode(padded).decode("utf-8"))


def test_a_planned_card_links_to_the_pharmacist_page_with_its_request_in_the_fragment():
    """The link's fragment is the appointment's request, now included: planned again it is the plan the card summarises."""
    request = hook_request(appointment("tfesi-lumbar"), statements=[warfarin_statement()])
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in (appointment("tfesi-lumbar"), warfarin_statement(), request["prefetch"]["patient"])],
    }

    (card,) = cds.appointment_book(request, timezone=ZONE, now="2026-12-01T10:00", page_url=PAGE)["cards"]

    (link,) = card["links"]
    assert (link["label"], link["type"]) == ("The plan in medplan's pharmacist page", "absolute")
    carried = linked_request(link["url"])
    assert carried["now"] == "2026-12-01T10:00"
    assert (
        medplan.plan(carried).to_dict()["medications"]
        == medplan.plan(medplan.fhir.bundle.request_from_bundle(bundle, timezone=ZONE, now="2026-12-01T10:00").request).to_dict()["medications"]
    )
    assert link["url"] == cds.page_link(PAGE, carried)


def test_page_link_is_compact_unpadded_base64url_of_utf8_json():
    """Names outside ASCII travel as UTF-8; the fragment uses only base64url's alphabet, without '='."""
    url = cds.page_link(PAGE, {"medications": [{"name": "Marcoumar\u00ae"}], "a": "??>>"})

    fragment = url.partition("#request=")[2]
    assert set(fragment) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert linked_request(url) == {"a": "??>>", "medications": [{"name": "Marcoumar\u00ae"}]}
    assert base64.urlsafe_b64decode(fragment + "==").decode("utf-8") == '{"a":"??>>","medications":[{"name":"Marcoumar\u00ae"}]}'


def test_with_a_plan_url_and_a_page_the_card_links_to_both_and_an_unplanned_card_to_neither():
    """The booking system's stored plan first, then the page; a card medplan could not plan has no link."""
    planned = cds.appointment_book(hook_request(), timezone=ZONE, plan_url="https://booking.example/p/1", page_url=PAGE)
    unplanned = cds.appointment_book(hook_request(appointment(start=None, end=None)), timezone=ZONE, page_url=PAGE)

    assert [link["url"].partition("#")[0] for link in planned["cards"][0]["links"]] == ["https://booking.example/p/1", PAGE]
    assert "links" not in unplanned["cards"][0]


def test_a_relative_page_url_is_refused():
    with pytest.raises(medplan.InputError) as excinfo:
        cds.appointment_book(hook_request(), timezone=ZONE, page_url="/pharmacist")

    assert str(excinfo.value) == "page_url: must be an absolute http(s) URL (got '/pharmacist')"
