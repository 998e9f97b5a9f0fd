"""The patient's iCalendar file (medplan.render_ics), read back with icalendar as a calendar program would."""

from __future__ import annotations

import json
import re
import sys
import types
import uuid
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

import attrs
import icalendar
import pytest
from testpaths import GOLDEN

import medplan
from medplan.render import ics

EXAMPLES = resources.files("medplan") / "examples"
LONDON = ZoneInfo("Europe/London")
PERTH = ZoneInfo("Australia/Perth")


def example(name: str, **fields: object) -> dict:
    """A bundled example without its own now: each test gives the booking time it is about, or none."""
    request = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    request.pop("now")
    return request | fields


def moved(request: dict, start: str) -> dict:
    return request | {"procedure": request["procedure"] | {"start": start}}


def parse(text: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(text)


def events(text: str) -> list[icalendar.Event]:
    return list(parse(text).walk("VEVENT"))


def unescape(text: str) -> str:
    """RFC 5545 TEXT unescaped (section 3.3.11), written here independently of icalendar."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def action(event: icalendar.Event) -> str:
    """The event's action key: an X- property is TEXT (RFC 5545 3.8.8.2), which icalendar reads back still escaped."""
    return unescape(str(event[ics.ACTION_PROPERTY]))


def by_key(text: str) -> dict[str, icalendar.Event]:
    return {action(e): e for e in events(text)}


def bridging_ics() -> str:
    return medplan.render_ics(medplan.plan(example("warfarin-bridging-mitral-valve")))


def unfolded(text: str) -> str:
    """RFC 5545 content lines without their folding, which icalendar versions place differently."""
    return text.replace("\r\n ", "")


# --- golden and shape -----------------------------------------------------


def test_bridging_example_matches_its_golden_ics():
    """The mitral-valve example's calendar is the reviewed golden file, line for line (folding aside, which icalendar versions place differently)."""
    golden = GOLDEN / "warfarin-bridging-mitral-valve.ics"

    bundled = json.loads((EXAMPLES / "warfarin-bridging-mitral-valve.json").read_text(encoding="utf-8"))

    assert golden.exists(), "no golden calendar: run scripts/regenerate_golden.py"
    assert unfolded(medplan.render_ics(medplan.plan(bundled))) == unfolded(golden.read_bytes().decode("utf-8")), (
        "the calendar changed: if deliberately, run scripts/regenerate_golden.py and review the diff"
    )


def test_output_is_byte_identical_for_the_same_request():
    """Two plans of the same request give byte-identical calendars: nothing depends on the clock or the machine."""
    request = example("warfarin-bridging-mitral-valve")

    assert medplan.render_ics(medplan.plan(request)) == medplan.render_ics(medplan.plan(request))


def test_lines_end_in_crlf_and_are_folded_to_75_octets():
    """Every content line ends in CRLF and is at most 75 octets, as RFC 5545 section 3.1 requires."""
    text = bridging_ics()

    assert text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert max(len(line.encode("utf-8")) for line in lines) <= 75


def test_calendar_properties_and_one_event_per_dated_step():
    """The calendar names medplan and its version, and holds one event per timeline step: 2 last doses, 4 tests, 14 injections, the procedure and 2 restarts."""
    result = medplan.plan(example("warfarin-bridging-mitral-valve"))
    calendar = parse(medplan.render_ics(result))

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == f"-//medplan//medplan {medplan.__version__}//EN"
    kinds = [action(e).split("/")[0] for e in calendar.walk("VEVENT")]
    assert len(kinds) == len(result.timeline) == 23
    assert {k: kinds.count(k) for k in set(kinds)} == {"last-dose": 2, "test": 4, "injection": 14, "procedure": 1, "restart": 2}


def test_action_keys_name_each_step_without_its_date():
    """Each step's action key names its kind, medicine and ordinal (injections by day relative to the procedure), never a date."""
    keys = ics.action_keys(medplan.plan(example("warfarin-bridging-mitral-valve")))

    assert keys[:8] == [
        "test/Warfarin/pre/1",
        "last-dose/Warfarin/1",
        "test/Warfarin/pre/2",
        "injection/enoxaparin/day-3/1",
        "injection/enoxaparin/day-3/2",
        "injection/enoxaparin/day-2/1",
        "injection/enoxaparin/day-2/2",
        "last-dose/Ibuprofen/1",
    ]
    assert keys[8:12] == ["injection/enoxaparin/day-1/1", "procedure", "restart/Warfarin/1", "restart/Ibuprofen/1"]
    assert keys[-2:] == ["injection/enoxaparin/day+6/2", "test/Warfarin/post/2"]
    assert len(set(keys)) == len(keys)
    assert not any(part.isdigit() and len(part) == 4 for key in keys for part in key.split("/"))


# --- time zones and dates -------------------------------------------------


def test_vtimezone_is_present_for_the_patients_zone():
    """The calendar carries a VTIMEZONE for Europe/London, placed before the events, covering the year of the plan and the next."""
    calendar = parse(bridging_ics())

    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert calendar.subcomponents[0].name == "VTIMEZONE"
    assert calendar.get_missing_tzids() == set()
    assert "COMMENT:This timezone only works from 2026-01-01 to 2028-01-01." in bridging_ics()


def test_timed_steps_are_in_the_patients_zone_never_floating_or_utc():
    """Every timed step's DTSTART carries TZID=Europe/London and decodes to an aware time in that zone; only DTSTAMP is in UTC."""
    for event in events(bridging_ics()):
        start = event["DTSTART"]
        if isinstance(start.dt, datetime):
            assert start.params["TZID"] == "Europe/London"
            assert start.dt.utcoffset() is not None
            assert not start.to_ical().decode().endswith("Z")
        assert event["DTSTAMP"].to_ical().decode().endswith("Z")


def test_hand_checked_start_times():
    """Warfarin's last dose is 23 December at 18:00, the procedure 29 December at 09:00, the first injection after it 31 December at 20:00 (59 hours, inside the 48-72 hour window) and the restarts 30 December at 18:00 and 20:00, London time."""
    found = by_key(bridging_ics())

    assert found["last-dose/Warfarin/1"].decoded("DTSTART") == datetime(2026, 12, 23, 18, 0, tzinfo=LONDON)
    assert found["last-dose/Ibuprofen/1"].decoded("DTSTART") == datetime(2026, 12, 27, 20, 0, tzinfo=LONDON)
    assert found["procedure"].decoded("DTSTART") == datetime(2026, 12, 29, 9, 0, tzinfo=LONDON)
    assert found["restart/Warfarin/1"].decoded("DTSTART") == datetime(2026, 12, 30, 18, 0, tzinfo=LONDON)
    assert found["restart/Ibuprofen/1"].decoded("DTSTART") == datetime(2026, 12, 30, 20, 0, tzinfo=LONDON)
    assert found["injection/enoxaparin/day+2/1"].decoded("DTSTART") == datetime(2026, 12, 31, 20, 0, tzinfo=LONDON)


def test_blood_tests_are_all_day_events_on_their_dates():
    """Each INR test is an all-day event (VALUE=DATE) on the laboratory's working day: 22 and 24 December (Christmas Eve, for the Boxing Day holiday), 4 January (for Saturday 2 January) and 5 January."""
    tests = [e for e in events(bridging_ics()) if action(e).startswith("test/")]

    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in tests] == [
        (date(2026, 12, 22), date(2026, 12, 23)),
        (date(2026, 12, 24), date(2026, 12, 25)),
        (date(2027, 1, 4), date(2027, 1, 5)),
        (date(2027, 1, 5), date(2027, 1, 6)),
    ]
    assert all(e["DTSTART"].params["VALUE"] == "DATE" for e in tests)
    assert [str(e["SUMMARY"]) for e in tests] == ["Baseline INR blood test", "INR blood test", "INR blood test", "INR blood test"]


def test_procedure_end_is_its_dtend():
    """A booking with an end gives the procedure's DTEND, in the patient's zone; the liver biopsy runs 08:00 to 09:00 on the first Monday of British summer time."""
    found = by_key(medplan.render_ics(medplan.plan(example("liver-biopsy-diabetes"))))

    procedure = found["procedure"]
    assert procedure.decoded("DTSTART") == datetime(2026, 3, 30, 8, 0, tzinfo=LONDON)
    assert procedure.decoded("DTEND") == datetime(2026, 3, 30, 9, 0, tzinfo=LONDON)
    assert procedure["DTEND"].params["TZID"] == "Europe/London"
    assert procedure.decoded("DTSTART").utcoffset() == timedelta(hours=1)


def test_a_plan_in_another_zone_names_that_zone():
    """The seed example's events are in Australia/Perth, with its VTIMEZONE (no daylight saving)."""
    text = medplan.render_ics(medplan.plan(example("nerve-root-sleeve-injection")))

    assert [str(tz["TZID"]) for tz in parse(text).walk("VTIMEZONE")] == ["Australia/Perth"]
    assert by_key(text)["last-dose/Warfarin/1"].decoded("DTSTART") == datetime(2026, 12, 2, 18, 0, tzinfo=PERTH)


# --- stamps, alarms, descriptions ----------------------------------------


def test_dtstamp_is_the_procedure_start_without_a_booking_time():
    """Without a booking's now, DTSTAMP is the procedure's start in UTC (09:00 GMT on 29 December)."""
    assert {e.decoded("DTSTAMP") for e in events(bridging_ics())} == {datetime(2026, 12, 29, 9, 0, tzinfo=UTC)}


def test_dtstamp_is_the_booking_time_when_given():
    """With a booking's now (10:00 Perth time on 20 November), DTSTAMP is that moment in UTC."""
    result = medplan.plan(example("nerve-root-sleeve-injection"), now="2026-11-20T10:00")

    assert {e.decoded("DTSTAMP") for e in events(medplan.render_ics(result))} == {datetime(2026, 11, 20, 2, 0, tzinfo=UTC)}


def test_alarms_remind_an_hour_before_the_evening_before_a_test_and_the_day_before_the_procedure():
    """Timed steps remind an hour before; all-day tests six hours before their midnight start (18:00 the evening before); the procedure a day and an hour before."""
    for key, event in by_key(bridging_ics()).items():
        alarms = event.walk("VALARM")
        triggers = [a.decoded("TRIGGER") for a in alarms]
        if key == "procedure":
            assert triggers == [timedelta(days=-1), timedelta(hours=-1)]
        elif key.startswith("test/"):
            assert triggers == [timedelta(hours=-6)]
        else:
            assert triggers == [timedelta(hours=-1)]
        assert all(str(a["ACTION"]) == "DISPLAY" for a in alarms)
        assert all(str(a["DESCRIPTION"]) == f"Reminder: {event['SUMMARY']}" for a in alarms)


def test_descriptions_give_the_instruction_rule_and_source():
    """A last dose's description says the step, the medicine's whole instruction, and the cited rule and source."""
    description = str(by_key(bridging_ics())["last-dose/Warfarin/1"]["DESCRIPTION"]).split("\n")

    assert description[:4] == [
        "NOT FINAL: awaiting pharmacist review.",
        "Last dose of Warfarin before the procedure.",
        "Take your last dose of Warfarin on Wednesday 23 December 2026 at 18:00. Do not take it again until Wednesday 30 December 2026 at 18:00, then carry on as usual. Have an INR blood test on Thursday 24 December 2026: the procedure goes ahead only if it is 1.5 or less. Confirm the restart with the doctor doing the procedure before you leave.",
        "Rule: asra-pain-2018:warfarin",
    ]
    assert description[4].startswith("Source: Narouze S et al. Reg Anesth Pain Med 2018")


def test_procedure_description_lists_the_medicines_to_keep_those_in_review_and_the_aftercare():
    """The seed procedure's description says the pharmacist will call about Plavix and Eliquis, to keep taking aspirin, and each dated aftercare with its source."""
    description = str(by_key(medplan.render_ics(medplan.plan(example("nerve-root-sleeve-injection"))))["procedure"]["DESCRIPTION"]).split("\n")

    assert description[:4] == [
        "NOT FINAL: awaiting pharmacist review.",
        "Image-guided lumbar nerve root sleeve injection (left L5, transforaminal): Tuesday 8 December 2026 at 09:30 (Australia/Perth).",
        "Your pharmacist will call you about Plavix and Eliquis: do not change how you take them until you have spoken to your pharmacist.",
        "Keep taking as usual: Aspirin.",
    ]
    assert description[5].startswith("Tuesday 8 December 2026: Do not drive today: arrange for someone to drive you")
    assert description[-1] == "Planned as: procedure tfesi-lumbar, intermediate bleeding risk under asra-pain-2018."


def test_a_plan_that_needs_review_says_not_final_everywhere():
    """A plan that needs review names itself NOT FINAL in the calendar's name and every event's description, and every event is tentative."""
    calendar = parse(bridging_ics())

    assert str(calendar["X-WR-CALNAME"]) == "Medicines around your procedure (NOT FINAL: awaiting pharmacist review)"
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
    for event in calendar.walk("VEVENT"):
        assert str(event["DESCRIPTION"]).startswith("NOT FINAL: awaiting pharmacist review.\n")
        assert str(event["STATUS"]) == "TENTATIVE"


def test_a_final_plan_is_confirmed_and_not_marked():
    """A plan no pharmacist needs to check is confirmed, with no NOT FINAL anywhere."""
    request = {
        "procedure": {"name": "Knee injection", "start": "2026-03-30T10:00", "timezone": "Europe/London", "bleeding_risk": "high"},
        "medications": [{"name": "Ibuprofen", "times": ["08:00"]}],
    }
    text = medplan.render_ics(medplan.plan(request))

    assert "NOT FINAL" not in unfolded(text)
    assert str(parse(text)["X-WR-CALNAME"]) == "Medicines around your procedure"
    assert {str(e["STATUS"]) for e in events(text)} == {"CONFIRMED"}
    assert {str(e["TRANSP"]) for e in events(text)} == {"TRANSPARENT", "OPAQUE"}


def test_sequence_rises_with_each_later_replan_of_a_booking():
    """SEQUENCE is the minutes from 2000 to the booking's now, so a later re-plan of the same booking is taken as an update; without a now it is 0."""
    request = example("nerve-root-sleeve-injection", booking_id="PERTH-2026-0042")
    early = medplan.plan(request, now="2026-11-20T10:00")
    later = medplan.plan(request, now="2026-11-21T10:00")

    assert {int(e["SEQUENCE"]) for e in events(medplan.render_ics(early))} == {ics.sequence(early)}
    assert ics.sequence(early) == (datetime(2026, 11, 20, 2, 0, tzinfo=UTC) - ics.SEQUENCE_EPOCH) // timedelta(minutes=1)
    assert ics.sequence(later) - ics.sequence(early) == 24 * 60
    assert {int(e["SEQUENCE"]) for e in events(bridging_ics())} == {0}


# --- UIDs -----------------------------------------------------------------


def test_uids_survive_a_procedure_moved_by_a_day():
    """Re-planned a day later under the same booking id, every event keeps its UID and starts a day later."""
    request = example("nerve-root-sleeve-injection", booking_id="PERTH-2026-0042")
    before = by_key(medplan.render_ics(medplan.plan(request)))
    after = by_key(medplan.render_ics(medplan.plan(moved(request, "2026-12-09T09:30"))))

    assert set(before) == set(after)
    for key, event in before.items():
        assert str(after[key]["UID"]) == str(event["UID"])
        assert after[key].decoded("DTSTART") == event.decoded("DTSTART") + timedelta(days=1)


def test_uids_differ_for_another_booking():
    """The same request under another booking id gives every event another UID."""
    request = example("nerve-root-sleeve-injection", booking_id="PERTH-2026-0042")
    one = {str(e["UID"]) for e in events(medplan.render_ics(medplan.plan(request)))}
    other = {str(e["UID"]) for e in events(medplan.render_ics(medplan.plan(request | {"booking_id": "PERTH-2026-0043"})))}

    assert len(one) == len(other) == 5
    assert not one & other


def test_without_a_booking_id_uids_come_from_the_request_less_now():
    """Without a booking id, the same request planned at another now keeps its UIDs; a request that changes otherwise (a moved date) gets new ones."""
    request = example("nerve-root-sleeve-injection")
    plain = {str(e["UID"]) for e in events(medplan.render_ics(medplan.plan(request)))}
    told = {str(e["UID"]) for e in events(medplan.render_ics(medplan.plan(request, now="2026-11-20T10:00")))}
    other = {str(e["UID"]) for e in events(medplan.render_ics(medplan.plan(moved(request, "2026-12-09T09:30"))))}

    assert plain == told
    assert not plain & other


def test_uid_is_a_uuid5_of_the_booking_and_the_action_key():
    """A UID is the version-5 UUID of the booking id and the action key, so a booking system can compute it; no name or id appears in clear."""
    request = example("nerve-root-sleeve-injection", booking_id="PERTH-2026-0042")
    result = medplan.plan(request)
    found = by_key(medplan.render_ics(result))

    uid = str(found["last-dose/Warfarin/1"]["UID"])
    assert uid == ics.event_uid(result, "last-dose/Warfarin/1")
    assert uid == str(uuid.uuid5(ics.UID_NAMESPACE, "booking:PERTH-2026-0042\nlast-dose/Warfarin/1"))
    assert "Warfarin" not in uid
    assert "PERTH" not in uid
    assert len({str(e["UID"]) for e in found.values()}) == len(found)


def test_a_plan_made_without_the_api_still_gets_stable_uids():
    """A plan that carries no request echo (made by make_plan directly) is identified by its own JSON, so its UIDs are stable too."""
    result = medplan.plan(example("nerve-root-sleeve-injection"))
    bare = attrs.evolve(result, request=None)

    assert ics.event_uid(bare, "procedure") == ics.event_uid(attrs.evolve(result, request=None), "procedure")
    assert ics.event_uid(bare, "procedure") != ics.event_uid(result, "procedure")


# --- plans that cannot go ahead -------------------------------------------


def test_a_plan_booked_too_soon_has_one_notice_and_no_dated_step():
    """Told on 6 December, too late for 8 December, the calendar holds one all-day notice on 6 December that takes the procedure's UID, and no timed event."""
    request = example("nerve-root-sleeve-injection", booking_id="PERTH-2026-0042")
    result = medplan.plan(request, now="2026-12-06T10:00")
    in_time = medplan.plan(request, now="2026-11-20T10:00")

    found = events(medplan.render_ics(result))

    assert result.booking.too_soon
    assert len(found) == 1
    notice = found[0]
    assert notice.decoded("DTSTART") == date(2026, 12, 6)
    assert str(notice["UID"]) == str(by_key(medplan.render_ics(in_time))["procedure"]["UID"])
    assert str(notice["SUMMARY"]) == "Image-guided lumbar nerve root sleeve injection (left L5, transforaminal): not going ahead as booked"
    assert str(notice["DESCRIPTION"]).split("\n") == [
        "NOT FINAL: awaiting pharmacist review.",
        "Your procedure cannot go ahead on Tuesday 8 December 2026 at 09:30: the date must change. The team doing your procedure will contact you with a new date and a new plan for your medicines.",
    ]
    assert not notice.walk("VALARM")
    assert "Warfarin" not in unfolded(medplan.render_ics(result))


def test_a_contraindicated_plan_has_one_notice_on_the_procedure_day():
    """With an absolute contraindication and no booking time, the one notice is on the procedure's day and says it cannot be booked yet."""
    request = example("nerve-root-sleeve-injection")
    request["patient"] = request["patient"] | {"cauda_equina_symptoms": True}

    found = events(medplan.render_ics(medplan.plan(request)))

    assert [e.decoded("DTSTART") for e in found] == [date(2026, 12, 8)]
    assert "cannot be booked yet" in str(found[0]["DESCRIPTION"])


# --- escaping -------------------------------------------------------------


ODD_NAMES = ["Warfarin, 5 mg; Marevan", "Wärfarin\u0301 💊 ワルファリン وارفارين", "Back\\slash: warfarin", "Warfarin\nnight dose"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_medicine_names_with_commas_semicolons_and_odd_unicode_round_trip(name):
    """A medicine name with commas, semicolons, a backslash, a newline, combining marks, emoji, Japanese or Arabic comes back unchanged from the calendar."""
    request = {
        "procedure": {"name": "Knee injection", "start": "2026-03-30T10:00", "timezone": "Europe/London", "bleeding_risk": "high"},
        "medications": [{"name": "Ibuprofen", "times": ["08:00"]}],
    }
    plain = medplan.plan(request)
    # A name the table does not know goes to review and has no dated step; rename the
    # held medicine in the finished plan instead, as a booking system's own label would.
    timeline = tuple(attrs.evolve(e, medicine=name) if e.medicine == "Ibuprofen" else e for e in plain.timeline)
    medications = tuple(attrs.evolve(m, input=name) for m in plain.medications)
    result = attrs.evolve(plain, timeline=timeline, medications=medications)

    text = medplan.render_ics(result)

    found = by_key(text)
    assert str(found[f"last-dose/{name}/1"]["SUMMARY"]) == f"Last dose of {name}"
    assert str(found[f"restart/{name}/1"]["SUMMARY"]) == f"Restart {name}"
    # The held medicine is found by its odd name: its instruction is in the description.
    assert str(found[f"last-dose/{name}/1"]["DESCRIPTION"]).split("\n")[1] == plain.medications[0].instruction
    if "," in name:
        assert "SUMMARY:Last dose of Warfarin\\, 5 mg\\; Marevan\r\n" in text
    if "\n" in name:
        assert "SUMMARY:Last dose of Warfarin\\nnight dose\r\n" in text


def test_newlines_in_text_are_escaped_not_broken():
    """A newline in the procedure's name is written as \\n inside one property and read back as a newline."""
    plain = medplan.plan(example("warfarin-bridging-mitral-valve"))
    result = attrs.evolve(plain, procedure=attrs.evolve(plain.procedure, name="Spinal cord stimulator trial\nday case; ward 7, bay 2"))

    text = medplan.render_ics(result)

    assert "SUMMARY:Spinal cord stimulator trial\\nday case\\; ward 7\\, bay 2\r\n" in text
    assert str(by_key(text)["procedure"]["SUMMARY"]) == "Spinal cord stimulator trial\nday case; ward 7, bay 2"


# --- the optional extra ---------------------------------------------------


def test_without_icalendar_the_error_names_the_extra(monkeypatch):
    """Without icalendar installed, render_ics raises MissingExtraError saying which extra to install."""
    monkeypatch.setitem(sys.modules, "icalendar", None)
    result = medplan.plan(example("nerve-root-sleeve-injection"))

    with pytest.raises(medplan.MissingExtraError) as caught:
        medplan.render_ics(result)

    assert str(caught.value) == "the iCalendar export needs icalendar>=6.1, which is not installed: pip install 'medplan[calendar]'"
    assert (caught.value.extra, caught.value.package) == ("calendar", "icalendar>=6.1")
    assert isinstance(caught.value, medplan.MedplanError)


def test_an_icalendar_too_old_for_vtimezone_is_refused_the_same_way(monkeypatch):
    """An icalendar older than 6.1, which cannot write VTIMEZONE, gets the same error, not a broken calendar."""
    old = types.ModuleType("icalendar")
    old.Calendar = type("Calendar", (), {})
    monkeypatch.setitem(sys.modules, "icalendar", old)

    with pytest.raises(medplan.MissingExtraError, match=r"pip install 'medplan\[calendar\]'$"):
        medplan.render_ics(medplan.plan(example("nerve-root-sleeve-injection")))


def test_a_step_of_a_kind_the_calendar_does_not_name_is_summarised_by_its_words():
    """A dated step of a kind render_ics has no summary for (added to a finished plan) is summarised by its own words."""
    plain = medplan.plan(example("nerve-root-sleeve-injection"))
    procedure = next(e for e in plain.timeline if e.kind == "procedure")
    phone_call = attrs.evolve(procedure, kind="phone-call", what="The pharmacist calls you about Plavix.")
    result = attrs.evolve(plain, timeline=(*plain.timeline, phone_call))

    found = by_key(medplan.render_ics(result))

    assert str(found["phone-call/-/1"]["SUMMARY"]) == "The pharmacist calls you about Plavix."
