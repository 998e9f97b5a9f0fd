"""Restart windows: a restart the source gives as a range is a window, not a minimum.

The cases are worked out by hand from the sources' own tables, not from the code:

- CHEST 2022 / BRIDGE: therapeutic LMWH resumed 48-72 hours after a high-bleed-risk procedure [C2].
- PAUSE (its protocol table, as reproduced by ASH Publications): DOACs resumed day +2 to +3 after a
  high-bleed-risk procedure [C].
- ASRA pain 2018 (via UpToDate 108918): LMWH restarted 12-24 hours after an intermediate- or
  high-risk procedure [C2].
- ASH bridging protocol: warfarin resumed the evening of the procedure or the next morning (day 0 or
  +1) [C].

The rule (docs/restart-windows.md): the restart is the first usual dose at or after the window's
start, counted in real hours on UTC instants for an hours window and in calendar days for a days
window; when that dose falls after the window's end the medicine is review, with the window's times,
and no restart date is planned.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import datafiles
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from strategies import near_transition, usual_times

import medplan
from medplan.exceptions import MedplanError
from medplan.model import Action, BleedingRisk
from medplan.tables.bridging_doses import load_bridging_tables, parse_pathway
from medplan.tables.drug_classes import parse_table


@attrs.frozen(kw_only=True)
class WindowCase:
    """A request worked out by hand from a source's restart window."""

    id: str
    zone: str
    start: str  # local wall clock of the procedure's start
    risk: str
    guideline: str
    medicine: dict
    action: str
    resume: str | None  # the restart, or None when no usual dose falls in the window
    reason: tuple[str, ...] = ()  # words the review reason must contain


def enoxaparin(*times: str) -> dict:
    return {"name": "enoxaparin", "times": list(times), "regimen": "therapeutic"}


WINDOW = "no usual dose of {} falls in its restart window"

CASES = [
    # CHEST 2022 therapeutic LMWH after a high-bleed-risk procedure: 48-72 h after 10:00 BST Mon 30 Mar
    # 2026, i.e. 10:00 Wed 1 Apr to 10:00 Thu 2 Apr. Once daily at 08:00: Thu 2 Apr 08:00 (70 h), not
    # day +4 (94 h) as the window's end read as a minimum gave.
    WindowCase(id="chest-enoxaparin-once-daily-high", zone="Europe/London", start="2026-03-30T10:00",
               risk="high", guideline="chest-2022", medicine=enoxaparin("08:00"),
               action="hold", resume="2026-04-02T08:00:00+01:00"),
    # Twice daily at 08:00 and 20:00: the first from 10:00 Wed 1 Apr is 20:00 Wed 1 Apr (58 h).
    WindowCase(id="chest-enoxaparin-twice-daily-high", zone="Europe/London", start="2026-03-30T10:00",
               risk="high", guideline="chest-2022", medicine=enoxaparin("08:00", "20:00"),
               action="hold", resume="2026-04-01T20:00:00+01:00"),
    # London spring-forward (Sun 29 Mar 2026): a procedure at 09:00 GMT Fri 27 Mar; the window opens
    # 48 real hours later at 09:00 UTC Sun 29 = 10:00 BST, after that day's 08:00 BST dose (46 h), and
    # closes at 10:00 BST Mon 30, after its 08:00 dose (70 h).
    WindowCase(id="london-spring-forward", zone="Europe/London", start="2026-03-27T09:00",
               risk="high", guideline="chest-2022", medicine=enoxaparin("08:00"),
               action="hold", resume="2026-03-30T08:00:00+01:00"),
    # London fall-back (Sun 25 Oct 2026): 08:30 BST Thu 22 Oct is 07:30 UTC; the window runs from 07:30
    # UTC Sat 24 (08:30 BST) to 07:30 UTC Sun 25 (07:30 GMT). The 08:00 doses fall at 07:00 UTC Sat 24
    # (before it) and 08:00 UTC Sun 25 (after it): the hour the clocks go back leaves none inside.
    WindowCase(id="london-fall-back-no-dose-inside", zone="Europe/London", start="2026-10-22T08:30",
               risk="high", guideline="chest-2022", medicine=enoxaparin("08:00"),
               action="review", resume=None,
               reason=(WINDOW.format("enoxaparin"),
                       ("from Saturday 24 October 2026 at 08:30 until Sunday 25 October 2026 at 07:30 "
                       "(Europe/London)"),
                       "the first usual dose is Sunday 25 October 2026 at 08:00, after the window")),
    # Sydney fall-back (Sun 5 Apr 2026, 03:00 AEDT -> 02:00 AEST): 08:30 AEDT Thu 2 Apr is 21:30 UTC
    # Wed 1; the window runs from 08:30 AEDT Sat 4 to 21:30 UTC Sat 4 = 07:30 AEST Sun 5. The 08:00
    # doses are 21:00 UTC Fri 3 and 22:00 UTC Sat 4: none inside.
    WindowCase(id="sydney-fall-back-no-dose-inside", zone="Australia/Sydney", start="2026-04-02T08:30",
               risk="high", guideline="chest-2022", medicine=enoxaparin("08:00"),
               action="review", resume=None,
               reason=(WINDOW.format("enoxaparin"),
                       ("from Saturday 4 April 2026 at 08:30 until Sunday 5 April 2026 at 07:30 "
                       "(Australia/Sydney)"))),
    # Sydney spring-forward (Sun 4 Oct 2026, 02:00 AEST -> 03:00 AEDT): 09:00 AEST Fri 2 Oct is 23:00
    # UTC Thu 1; the window opens 23:00 UTC Sat 3 = 10:00 AEDT Sun 4, after that day's 08:00 AEDT
    # dose (46 h), and holds Mon 5 Oct 08:00 AEDT (70 h).
    WindowCase(id="sydney-spring-forward", zone="Australia/Sydney", start="2026-10-02T09:00",
               risk="high", guideline="chest-2022", medicine=enoxaparin("08:00"),
               action="hold", resume="2026-10-05T08:00:00+11:00"),
    # PAUSE day +2 to +3 across London's fall-back: 10:00 BST Fri 23 Oct 2026; day +2 is Sun 25 Oct,
    # whose 08:00 dose is already GMT.
    WindowCase(id="pause-apixaban-london-fall-back", zone="Europe/London", start="2026-10-23T10:00",
               risk="high", guideline="chest-2022", medicine={"name": "apixaban", "times": ["08:00", "20:00"]},
               action="hold", resume="2026-10-25T08:00:00+00:00"),
    # PAUSE across Sydney's spring-forward: 09:00 AEST Fri 2 Oct 2026; day +2 is Sun 4 Oct, 08:00 AEDT.
    WindowCase(id="pause-rivaroxaban-sydney-spring-forward", zone="Australia/Sydney", start="2026-10-02T09:00",
               risk="high", guideline="chest-2022", medicine={"name": "rivaroxaban", "times": ["08:00"]},
               action="hold", resume="2026-10-04T08:00:00+11:00"),
    # ASRA 12-24 h after an intermediate-risk procedure at 09:30 Tue 8 Dec 2026 (Perth): 21:30 Tue to
    # 09:30 Wed. Once daily at 18:00: 18:00 Tue is too soon (8.5 h), 18:00 Wed too late (32.5 h).
    WindowCase(id="asra-dalteparin-no-dose-inside", zone="Australia/Perth", start="2026-12-08T09:30",
               risk="intermediate", guideline="asra-pain-2018",
               medicine={"name": "dalteparin", "times": ["18:00"], "regimen": "therapeutic"},
               action="review", resume=None,
               reason=(WINDOW.format("dalteparin"), "(12-24 hours after the procedure)",
                       ("from Tuesday 8 December 2026 at 21:30 until Wednesday 9 December 2026 at 09:30 "
                       "(Australia/Perth)"))),
    # The same at 08:00: 08:00 Wed (22.5 h) is inside.
    WindowCase(id="asra-dalteparin-dose-inside", zone="Australia/Perth", start="2026-12-08T09:30",
               risk="intermediate", guideline="asra-pain-2018",
               medicine={"name": "dalteparin", "times": ["08:00"], "regimen": "therapeutic"},
               action="hold", resume="2026-12-09T08:00:00+08:00"),
    # Warfarin (ASH: day 0 or +1) taken on Saturdays only at 00:00, procedure Thu 3 Dec 2026: the
    # window ends with Fri 4 Dec; the first dose, Sat 5 Dec 00:00, is the first instant after it.
    WindowCase(id="warfarin-days-window-no-dose-inside", zone="Australia/Perth", start="2026-12-03T09:30",
               risk="high", guideline="chest-2022",
               medicine={"name": "warfarin", "times": ["00:00"], "days": ["saturday"]},
               action="review", resume=None,
               reason=(WINDOW.format("warfarin"), "(day +0 to day +1 after the procedure)",
                       "until the end of Friday 4 December 2026 (Australia/Perth)")),
    # Taken on Fridays: Fri 4 Dec 00:00 is day +1, inside the window.
    WindowCase(id="warfarin-days-window-dose-inside", zone="Australia/Perth", start="2026-12-03T09:30",
               risk="high", guideline="chest-2022",
               medicine={"name": "warfarin", "times": ["00:00"], "days": ["friday"]},
               action="hold", resume="2026-12-04T00:00:00+08:00"),
]


def plan_of(case: WindowCase):
    procedure = {"name": "test procedure", "start": case.start, "timezone": case.zone,
                 "bleeding_risk": case.risk, "guideline": case.guideline}
    body = {"procedure": procedure, "patient": {"crcl_ml_min": 80}, "medications": [case.medicine]}
    return medplan.plan(body)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_window_case_gives_the_hand_checked_restart(case):
    """Each restart is the first usual dose inside the source's window, or review naming the window."""
    plan = plan_of(case)
    (result, *_) = plan.medications

    assert result.action.value == case.action
    assert (None if result.resume is None else result.resume.isoformat()) == case.resume
    for words in case.reason:
        assert words in result.review_reason
    if case.resume is None:
        assert result.last_dose is not None  # the hold is still dated for the pharmacist
        assert plan.needs_review


def test_a_review_past_the_window_offers_the_whole_question():
    """The reason names the window, its local times, the late dose and what to decide."""
    (result,) = plan_of(CASES[3]).medications

    assert result.review_reason == (
        "no usual dose of enoxaparin falls in its restart window (48-72 hours after the procedure): "
        "from Saturday 24 October 2026 at 08:30 until Sunday 25 October 2026 at 07:30 (Europe/London); "
        "the first usual dose is Sunday 25 October 2026 at 08:00, after the window: choose a restart "
        "time inside the window with the prescriber, or confirm the later dose"
    )
    assert "resume in the window 48-72 hours after" in result.rule


# --- the property: inside the window, or review --------------------------------------------------

# (medicine, guideline, risk, the window in the source's unit)
ROWS = [
    (enoxaparin, "chest-2022", "high", ("hours", 48, 72)),
    (enoxaparin, "asra-pain-2018", "intermediate", ("hours", 12, 24)),
    (lambda *t: {"name": "apixaban", "times": list(t)}, "chest-2022", "high", ("days", 2, 3)),
]


def _inside(resume: datetime, finish: datetime, zone: ZoneInfo, window: tuple[str, int, int]) -> bool:
    unit, low, high = window
    if unit == "hours":
        opens = finish.astimezone(UTC) + timedelta(hours=low)
        closes = finish.astimezone(UTC) + timedelta(hours=high)
        return opens <= resume.astimezone(UTC) <= closes
    day = (resume.astimezone(zone).date() - finish.astimezone(zone).date()).days
    return low <= day <= high and resume.astimezone(UTC) > finish.astimezone(UTC)


@given(row=st.sampled_from(ROWS), near=near_transition(("Europe/London", "Australia/Sydney",
                                                          "America/New_York", "Australia/Lord_Howe")),
       hour=st.integers(0, 23), minute=st.sampled_from([0, 15, 30, 45]), times=usual_times)
@example(row=ROWS[0], near=(ZoneInfo("Europe/London"), datetime(2026, 10, 22).date()), hour=8, minute=30,
         times=(datetime(2026, 1, 1, 8).time(),))
@example(row=ROWS[0], near=(ZoneInfo("Australia/Sydney"), datetime(2026, 4, 2).date()), hour=8, minute=30,
         times=(datetime(2026, 1, 1, 8).time(),))
def test_the_restart_is_inside_the_window_or_the_medicine_is_review(row, near, hour, minute, times):
    """Near DST changes in both hemispheres, a restart is always inside its window, or there is none and the medicine is review."""
    make, guideline, risk, window = row
    zone, day = near
    case = WindowCase(id="drawn", zone=zone.key, start=f"{day.isoformat()}T{hour:02d}:{minute:02d}", risk=risk,
                      guideline=guideline, medicine=make(*(t.strftime("%H:%M") for t in times)),
                      action="?", resume=None)
    try:
        plan = plan_of(case)
    except MedplanError:  # a start inside a spring-forward gap is refused at the boundary
        return
    (result,) = plan.medications
    if result.resume is None:
        assert result.action is Action.REVIEW
        assert "restart window" in result.review_reason
        return
    assert _inside(result.resume, plan.procedure.finish, zone, window)


# --- the table's window cells ----------------------------------------------------------------------

ENOX = "chest-2022:enoxaparin:therapeutic"


@attrs.frozen(kw_only=True)
class BrokenCell:
    """A resume or hold cell and the exact problem the table names."""

    id: str
    column: str
    value: str
    problem: str


BROKEN = [
    BrokenCell(id="window-backwards", column="high_resume", value="72-48 hours",
               problem="a window must end after it starts (got '72-48 hours')"),
    BrokenCell(id="window-of-one-point", column="high_resume", value="48-48 hours",
               problem="a window must end after it starts (got '48-48 hours')"),
    BrokenCell(id="window-end-too-long", column="high_resume", value="48-2000 hours",
               problem="must be at most 1440 hours (got '2000 hours')"),
    BrokenCell(id="window-with-two-units", column="high_resume", value="2 days-72 hours",
               problem="must be 'N days', 'N hours' or a window 'A-B days' or 'A-B hours' (got '2 days-72 hours')"),
    # A hold is a minimum time off: the sources give no hold as a window.
    BrokenCell(id="window-as-a-hold", column="high_hold", value="24-48 hours",
               problem="must be 'N days' or 'N hours' (got '24-48 hours')"),
]


@pytest.mark.parametrize("case", BROKEN, ids=[c.id for c in BROKEN])
def test_a_broken_window_cell_is_refused(case):
    """A window cell that is backwards, too long or mixed is refused, naming row and column."""
    text = datafiles.with_cells("drug_classes.csv", ENOX, **{case.column: case.value})
    row = next(i for i, r in enumerate(datafiles.records("drug_classes.csv"), start=1) if r[0] == ENOX)

    with pytest.raises(medplan.TableError) as info:
        parse_table(text, "drug_classes.csv")

    assert str(info.value) == f"drug_classes.csv, row {row}: column '{case.column}': {case.problem}"


def test_a_window_row_reads_as_its_start_and_end():
    """'48-72 hours' is read as a restart from 48 hours until 72, and described so."""
    (rule,) = [r for r in medplan.default_table().rules if r.rule_id == ENOX]

    assert (str(rule.high.resume), str(rule.high.resume_until)) == ("48 hours", "72 hours")
    assert rule.low.resume_until is None
    assert "resume in the window 48-72 hours after" in rule.describe(BleedingRisk.HIGH)


# --- the bridging pathway's window ---------------------------------------------------------------

MITRAL_HIGH = {
    "procedure": {"code": "spinal-cord-stimulator", "name": "Spinal cord stimulator implant",
                  "start": "2026-12-29T09:00", "timezone": "Europe/London"},
    "patient": {"weight_kg": 82, "crcl_ml_min": 65,
                "anticoagulation": [{"reason": "mechanical-heart-valve", "valve_position": "mitral",
                                     "valve_type": "bileaflet"}]},
    "medications": [{"name": "warfarin", "times": ["18:00"], "dose": "5 mg"}],
    "policy": {"lab_country": "GB", "lab_subdivision": "ENG", "bridging_regimen": "once-daily",
               "bridging_times": ["08:00"]},
}


def pathway_with(tmp_path, **values):
    records = datafiles.records("warfarin_pathway.csv")
    for record in records[1:]:
        record[1] = values.get(record[0], record[1])
    path = tmp_path / "warfarin_pathway.csv"
    path.write_text(datafiles.write(records), encoding="utf-8")
    return load_bridging_tables(pathway=path)


def planned_with(body, bridging):
    table = medplan.default_table()
    parsed = medplan.parse_request(body, table.guidelines, variants=table.variants)
    return medplan.make_plan(parsed, table, medplan_version=medplan.__version__, bridging=bridging)


def test_bridging_restarts_inside_its_window():
    """Once daily at 08:00 after 09:00 Tue 29 Dec: the 48-72 h window holds 08:00 Fri 1 Jan (71 h)."""
    plan = medplan.plan(MITRAL_HIGH)

    after = [e.at.isoformat() for e in plan.timeline if e.kind == "injection" and e.day > 0]
    assert after[0] == "2027-01-01T08:00:00+00:00"


def test_bridging_with_no_injection_time_in_its_window_is_a_question(tmp_path):
    """A clinic window of 48-60 h: the 08:00 injections fall at 47 h and 71 h, so the bridging is review, with the window's times."""
    plan = planned_with(MITRAL_HIGH, pathway_with(tmp_path, lmwh_restart_high_until_hours="60"))

    assert not [e for e in plan.timeline if e.kind == "injection"]
    assert (
        "warfarin: bridging: no injection time of therapeutic enoxaparin falls in the restart window "
        "48-60 hours after a high-bleeding-risk procedure: from 2026-12-31 09:00 until 2026-12-31 21:00 "
        "(Europe/London); the first is 2027-01-01 08:00: choose the first injection's time inside the "
        "window with the prescriber"
    ) in plan.review_reasons
    assert plan.needs_review


def test_a_pathway_window_that_ends_before_it_starts_is_refused():
    """The high-risk restart must start before its window's end."""
    text = datafiles.with_cells("warfarin_pathway.csv", "lmwh_restart_high_until_hours", value="48")

    with pytest.raises(medplan.TableError) as info:
        parse_pathway(text, "warfarin_pathway.csv")

    assert str(info.value) == (
        "warfarin_pathway.csv: column 'value': "
        "lmwh_restart_high_hours must be below lmwh_restart_high_until_hours (a window)"
    )


# --- the review item, and the decision that answers it ---------------------------------------------


def test_no_dose_in_the_window_is_a_review_item_answered_by_a_hold_with_its_restart():
    """The London fall-back case is item 'enoxaparin/restart-past-window'; a hold giving a restart inside the window answers it."""
    case = CASES[3]
    body = {"procedure": {"name": "test procedure", "start": case.start, "timezone": case.zone,
                          "bleeding_risk": case.risk, "guideline": case.guideline},
            "patient": {"crcl_ml_min": 80}, "medications": [case.medicine]}

    (item,) = medplan.plan(body).reviews
    assert item.id == "enoxaparin/restart-past-window"
    assert [a.value for a in item.answer_with.decision] == ["hold"]
    assert item.answer_with.hold_dates.value == "required"  # no restart past the window is proposed

    # The pharmacist and prescriber choose 18:00 on Saturday 24 October, inside the window.
    decided = {**body, "decisions": [{"review": item.id, "answer": "hold", "by": "pharmacist A. Example",
                                      "last_dose": "2026-10-21T08:00", "resume": "2026-10-24T18:00"}]}
    plan = medplan.plan(decided)
    (result,) = plan.medications
    assert not plan.needs_review
    assert result.action is Action.HOLD
    assert result.resume.isoformat() == "2026-10-24T18:00:00+01:00"


def test_a_day_zero_window_far_east_of_utc_opens_at_the_procedures_end():
    """Warfarin under CHEST at Kiritimati (UTC+14), taken Mondays: its window opens at 09:30, the procedure's end, not midnight."""
    body = {
        "procedure": {"name": "test procedure", "start": "2026-12-08T09:30", "timezone": "Pacific/Kiritimati",
                      "bleeding_risk": "high", "guideline": "chest-2022"},
        "medications": [{"name": "warfarin", "times": ["18:00"], "days": ["monday"]}],
    }

    (item,) = medplan.plan(body).reviews

    assert item.id == "warfarin/restart-past-window"
    assert item.question == (
        "When does warfarin restart? No usual dose falls in its restart window (from Tuesday 8 December 2026 at "
        "09:30 until the end of Wednesday 9 December 2026); the first is Monday 14 December 2026 at 18:00. Hold "
        "it with the last dose and a restart chosen with the prescriber (that dose, to confirm it)."
    )
