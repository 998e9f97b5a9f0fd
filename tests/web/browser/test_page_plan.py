"""End-to-end tests of the pharmacist's page in headless Chromium: the example filled in, and the plan shown.

The form is filled as a pharmacist would, with the keyboard where it
matters (the procedure chosen by typing, the dates typed, medicines added and
removed with Enter and Space, the plan asked for with Enter), and what the
page shows is checked against what medplan plans for the same request. The
server and the browser are tests/web/browser/conftest.py's fixtures.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.request

import attrs
import pytest
from browsercases import (
    BOOKING_ID,
    EXPECTED_REQUEST,
    MARKS,
    PROCEDURE_NAME,
    WIDTH,
    by_id,
    console_errors,
    fill_the_example,
    focused,
    full_page_screenshot,
    in_row,
    medicine_rows,
    open_page,
    png_size,
    shown,
    submit,
    text_of,
    wait,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import medplan

pytestmark = MARKS


# --- the plan -------------------------------------------------------------


@pytest.fixture(scope="module")
def expected_plan() -> medplan.Plan:
    return medplan.plan(EXPECTED_REQUEST)


@pytest.fixture(scope="module")
def planned(browser, base_url):
    """The page after the pharmacist has filled in the example and asked for the plan."""
    open_page(browser, base_url)
    fill_the_example(browser)
    submit(browser)
    wait(browser, lambda d: shown(d, "result") and shown(d, "handout"))
    return browser


def test_the_bridging_decision_is_the_plans_for_the_reason_given(planned, expected_plan):
    """AF with CHA2DS2-VASc 3, no stroke and no rheumatic valve disease, entered in its own group: the page shows the plan's decision (no bridging)."""
    assert expected_plan.anticoagulation.decision.startswith("No bridging: low thrombotic risk")
    assert text_of(by_id(planned, "anticoagulation-decision")) == f"Warfarin: {expected_plan.anticoagulation.decision}"
    groups = planned.find_elements(By.CSS_SELECTOR, "[data-reason-group]")
    assert {g.get_attribute("data-reason-group"): g.is_displayed() for g in groups} == {
        "atrial-fibrillation": True, "mechanical-heart-valve": False, "venous-thromboembolism": False,
    }


def test_focus_moves_to_the_plan_once_it_is_made(planned):
    """After Enter on 'Make the plan', the plan's heading has the focus, and the status says the plan needs review."""
    assert focused(planned) == "result-title"
    assert text_of(by_id(planned, "form-status")) == "Plan made: it needs pharmacist review."
    assert not shown(planned, "error-summary")


def test_the_warfarin_row_holds_with_the_dates_and_the_inr_check(planned):
    """Warfarin: hold 5 days, last dose Wednesday 2 December 18:00, INR check Monday 7 December, restart Wednesday 9 December 18:00."""
    row = planned.find_elements(By.CSS_SELECTOR, "#plan-rows tr")[0]
    cells = row.find_elements(By.CSS_SELECTOR, "th, td")
    times = [t.get_attribute("datetime") for t in row.find_elements(By.TAG_NAME, "time")]

    assert [c.text.split("\n")[0] for c in cells[:5]] == [
        "Warfarin",
        "HOLD 5 days",
        "Wednesday 2 December 2026, 18:00",
        "INR ≤ 1.5 on Monday 7 December 2026 (day −1)",  # noqa: RUF001 - the page writes a minus sign
        "Wednesday 9 December 2026, 18:00",
    ]
    assert times == ["2026-12-02T18:00:00+08:00", "2026-12-07", "2026-12-09T18:00:00+08:00"]
    assert cells[5].text.startswith("asra-pain-2018:warfarin\n")
    assert row.find_element(By.TAG_NAME, "th").get_attribute("scope") == "row"


def test_every_row_is_the_plans(planned, expected_plan):
    """Each row of the table is the plan medplan makes for the same request: the medicine, action, dates and rule, in input order."""
    rows = planned.find_elements(By.CSS_SELECTOR, "#plan-rows tr")
    shown_rows = []
    for row in rows:
        cells = row.find_elements(By.CSS_SELECTOR, "th, td")
        def when(cell):
            found = cell.find_elements(By.TAG_NAME, "time")
            return found[0].get_attribute("datetime") if found else None
        shown_rows.append((cells[0].text.split("\n")[0], cells[1].text.split(" ")[0].lower(), when(cells[2]), when(cells[4]),
                           cells[5].find_element(By.TAG_NAME, "code").text))
    expected = [
        (m["input"], m["action"], m["last_dose"], m["resume"], m["rule_id"])
        for m in expected_plan.to_dict()["medications"]
    ]

    assert shown_rows == expected
    assert [r[1] for r in shown_rows] == ["hold", "review", "continue", "review"]
    headers = [th.text for th in planned.find_elements(By.CSS_SELECTOR, "#plan-table thead th")]
    assert headers == ["Medicine", "Action", "Last dose", "Check", "Resume", "Rule and source"]
    assert all(th.get_attribute("scope") == "col" for th in planned.find_elements(By.CSS_SELECTOR, "#plan-table thead th"))


def test_the_review_reasons_are_an_alert_with_every_reason(planned, expected_plan):
    """The review reasons are shown above the table in an alert, every one the plan gives, in its order."""
    review = by_id(planned, "review")
    reasons = [text_of(li) for li in review.find_elements(By.TAG_NAME, "li")]

    assert review.is_displayed()
    assert review.get_attribute("role") == "alert"
    assert reasons == list(expected_plan.review_reasons)
    assert "apixaban and warfarin are both oral anticoagulants: confirm which one the patient takes" in reasons
    assert not shown(planned, "no-review")


def test_the_booking_answers_are_shown(planned):
    """With now given, the page shows when the plan was made, when the patient must be told and the earliest start."""
    booking = by_id(planned, "booking")
    pairs = dict(zip([dt.text for dt in booking.find_elements(By.TAG_NAME, "dt")],
                     [dd.text for dd in booking.find_elements(By.TAG_NAME, "dd")], strict=True))

    assert pairs == {
        "Planned as of": "Tuesday 24 November 2026, 10:00",
        "Tell the patient by": "Tuesday 1 December 2026, 08:00",
        "Earliest start every hold allows": "Wednesday 2 December 2026, 00:00",
        "Booked too soon": "No",
    }


def test_the_handout_is_the_patients_calendar(planned, expected_plan):
    """The handout is render_calendar's text for the plan, character for character."""
    calendar = text_of(by_id(planned, "calendar-text"))

    assert calendar == medplan.render_calendar(expected_plan)
    assert "Wednesday 2 December 2026 (6 days before your procedure)\n  - 18:00 Last dose of Warfarin before the procedure." in calendar
    assert calendar.startswith("Your medicines around your procedure\nProcedure: " + PROCEDURE_NAME)


def test_the_ics_link_answers_text_calendar(planned, base_url):
    """The Download link is the service's text/calendar answer for the request, named by the booking id; the service sends it as an attachment."""
    link = by_id(planned, "download-ics")
    call = urllib.request.Request(  # noqa: S310 - http to the test's own server
        f"{base_url}/v1/ics", data=json.dumps(EXPECTED_REQUEST).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    with urllib.request.urlopen(call, timeout=10) as answer:  # noqa: S310 - http to the test's own server
        served = (answer.status, answer.headers["Content-Type"], answer.headers["Content-Disposition"])

    assert link.is_displayed()
    assert link.get_attribute("href").startswith(f"blob:{base_url}/")
    assert link.get_attribute("type") == "text/calendar"
    assert link.get_attribute("download") == f"medplan-{BOOKING_ID}.ics"
    assert served == (200, "text/calendar; charset=utf-8", f'attachment; filename="medplan-{BOOKING_ID}.ics"')


def test_enter_on_the_ics_link_downloads_the_file(planned, expected_plan, downloads):
    """Enter on the Download link saves medplan-BOOKING_ID.ics, the plan's iCalendar file."""
    saved = downloads / f"medplan-{BOOKING_ID}.ics"

    by_id(planned, "download-ics").send_keys(Keys.ENTER)
    wait(planned, lambda _: saved.exists() and saved.stat().st_size > 0)

    assert saved.read_bytes().decode("utf-8") == medplan.render_ics(expected_plan)


def test_the_print_button_prints_and_print_shows_only_the_handout(planned):
    """The Print button calls the browser's print; on paper, the form, the pharmacist's table, the review and the buttons are hidden and the handout sheet shown, not the day-by-day calendar."""
    planned.execute_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    by_id(planned, "print-handout").send_keys(Keys.SPACE)
    planned.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    names = ("plan-form", "result", "decisions", "print-handout", "handout", "handout-sheet", "calendar-details")
    try:
        on_paper = {name: shown(planned, name) for name in names}
    finally:
        planned.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    assert planned.execute_script("return window.printed") == 1
    assert on_paper == {"plan-form": False, "result": False, "decisions": False, "print-handout": False,
                        "handout": True, "handout-sheet": True, "calendar-details": False}


def pdf_pages(driver, width_inches: float, height_inches: float) -> int:
    """How many pages the page prints on paper of this size (Chromium's own print to PDF)."""
    printed = driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": width_inches, "paperHeight": height_inches})
    return len(re.findall(rb"/Type\s*/Page[^s]", base64.b64decode(printed["data"])))


@attrs.frozen(kw_only=True)
class PaperCase:
    """One case of test_the_handout_prints_on_one_sheet_of_a4_or_letter: paper, width, height."""

    paper: str
    width: float
    height: float


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(PaperCase(paper="A4", width=8.27, height=11.69), id="A4-8.27-11.69"),
        pytest.param(PaperCase(paper="Letter", width=8.5, height=11.0), id="Letter-8.5-11.0"),
    ],
)
def test_the_handout_prints_on_one_sheet_of_a4_or_letter(planned, case):
    """The example's handout prints on one page of A4 and one of Letter: one line per item, nothing day by day."""
    assert pdf_pages(planned, case.width, case.height) == 1, case.paper


def sheet_lines(driver, heading: str) -> list[str]:
    """The handout's lines under one of its headings."""
    return driver.execute_script(
        "const h = [...document.querySelectorAll('#handout-sheet h4')].find((x) => x.textContent === arguments[0]);"
        "return h ? [...h.nextElementSibling.querySelectorAll('li')].map((li) => li.textContent) : [];",
        heading,
    )


def test_the_handout_gives_each_care_item_once_over_its_dates(planned, expected_plan):
    """Each care item of the plan is one line of the handout, from its first day to its last, in the plan's order."""
    care = expected_plan.to_dict()["care"]

    lines = sheet_lines(planned, "After the procedure")

    assert len(lines) == len(care)
    assert lines[2] == "Tuesday 8 December 2026 to Thursday 10 December 2026: Avoid strenuous activity for a couple of days."
    assert lines[1] == ("Tuesday 8 December 2026: Do not drive today: arrange for someone to drive you to and from the practice.")
    assert [line.partition(": ")[2] for line in lines] == [c["instruction"] for c in care]


def test_the_handout_gives_only_the_pain_relief_advice_that_applies(planned):
    """The patient takes pain relief: the handout keeps it up and tapers it, and does not print the paracetamol advice for those who take none."""
    lines = " ".join(sheet_lines(planned, "After the procedure"))

    assert "Keep taking your usual pain relief" in lines
    assert "Then reduce your pain relief gradually" in lines
    assert "paracetamol" not in lines
    assert not shown(planned, "handout-note")


def test_the_handout_gives_each_medicine_and_blood_test_once(planned, expected_plan):
    """One line per medicine, the plan's own words to the patient, and one per blood test with its date; it says it is not final."""
    medicines = sheet_lines(planned, "Your medicines")
    tests = sheet_lines(planned, "Blood tests")

    assert medicines == [f"{m.input}: {m.instruction}" for m in expected_plan.medications]
    assert tests == [
        "Tuesday 1 December 2026: Baseline INR blood test, to confirm the usual INR before warfarin is stopped.",
        (
            "Monday 7 December 2026: INR blood test: the procedure goes ahead only if your INR is 1.5 or less. If it is higher, "
            "your team will tell you what happens next (a recheck, vitamin K by mouth or a new date)."
        ),
    ]
    assert text_of(planned.find_element(By.CSS_SELECTOR, "#handout-sheet .not-final")).startswith("NOT FINAL")


def strip(driver) -> dict[str, list[str]]:
    """The timeline strip: each row's heading (first line) to its cells' text."""
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#timeline-rows tr')].map((tr) => ["
        "tr.querySelector('th').firstChild.textContent,"
        "[...tr.querySelectorAll('td')].map((td) => td.innerText.replace(/\\n/g, ' ').trim())]));"
    )


def test_the_timeline_strip_has_a_column_for_each_day_from_minus_7_to_plus_5(planned):
    """The strip's columns are day -7 to day +5, each with its date; day 0 is the procedure's."""
    headers = [th.text.replace("\n", " ") for th in planned.find_elements(By.CSS_SELECTOR, "#timeline-days th")]

    assert headers[0] == "Medicine"
    assert headers[1] == "day \u22127 Tue 1 Dec"
    assert headers[8] == "day 0 Tue 8 Dec"
    assert headers[13] == "day +5 Sun 13 Dec"
    assert all(th.get_attribute("scope") == "col" for th in planned.find_elements(By.CSS_SELECTOR, "#timeline-days th"))


def test_the_timeline_strip_reads_each_medicine_at_a_glance(planned):
    """Warfarin: tested, last dose day -6, held to its restart day +1 with the INR check day -1; aspirin taken throughout; the procedure on day 0."""
    rows = strip(planned)

    assert rows["Procedure"] == ["", "", "", "", "", "", "", "procedure 09:30", "", "", "", "", ""]
    assert rows["Warfarin"] == [
        "taken INR",
        "last 18:00",
        "held",
        "held",
        "held",
        "held",
        "held INR",
        "held",
        "restart 18:00",
        "taken",
        "taken",
        "taken",
        "taken",
    ]
    assert rows["Aspirin"] == ["taken"] * 13
    assert rows["Eliquis"][3:9] == ["last 20:00", "held", "held", "held", "held", "restart 20:00"]


def test_a_review_in_the_strip_is_marked_proposed_and_a_day_outside_is_named(planned):
    """A medicine still under review shows its dates as proposed, and a last dose before day -7 is named beside it."""
    plavix = planned.find_elements(By.CSS_SELECTOR, "#timeline-rows tr")[2]
    header = text_of(plavix.find_element(By.TAG_NAME, "th"))
    cells = plavix.find_elements(By.TAG_NAME, "td")

    assert header == "Plavixreview: dates proposed, not decidedlast dose day \u22128, Mon 30 Nov 08:00"
    assert all("cell-proposed" in c.get_attribute("class") for c in cells)


def test_every_control_on_the_live_page_has_a_label(planned):
    """Every input, select and button the page shows, the medicine rows the script added included, has an accessible name from a label or its text."""
    unlabelled = planned.execute_script(
        "return [...document.querySelectorAll('input, select, textarea')]"
        ".filter((c) => c.labels.length === 0 || !c.labels[0].textContent.trim()).map((c) => c.id);"
    )
    buttons = [b.text for b in planned.find_elements(By.TAG_NAME, "button") if b.is_displayed()]

    assert unlabelled == []
    # The example's clopidogrel item is answered by its indication, or a decision: the page links to both fields.
    assert buttons == [
        "Remove medicine 1",
        "Remove medicine 2",
        "Remove medicine 3",
        "Remove medicine 4",
        "Add medicine",
        "Make the plan",
        "Medicine 2: Indication",
        "Medicine 2: Date of the event",
        "Make the final plan with these answers",
        "Print handout",
    ]


def test_the_medicine_names_are_offered_from_the_table(planned, table):
    """Each medicine's name field completes from a datalist of every name the table resolves, the example's among them.

    (Headless Chromium draws no datalist pop-up, so the names are typed in full
    above; this checks what the pop-up offers.)
    """
    offered = planned.execute_script("return [...document.querySelectorAll('#drug-names option')].map((o) => o.value);")
    lists = {in_row(row, "name").get_attribute("list") for row in medicine_rows(planned)}

    assert lists == {"drug-names"}
    assert len(offered) == len(table.names)
    assert {m["name"].casefold() for m in EXPECTED_REQUEST["medications"]} <= {name.casefold() for name in offered}


def test_the_page_loads_nothing_from_elsewhere_and_breaks_no_policy(planned, base_url):
    """Every resource the browser loaded came from the service, and the console has no error (a CSP violation would be one)."""
    loaded = planned.execute_script("return performance.getEntriesByType('resource').map((e) => e.name);")

    assert loaded
    assert all(url.startswith((f"{base_url}/", "blob:")) for url in loaded), loaded
    assert console_errors(planned) == []


def test_a_screenshot_of_the_plan(planned, tmp_path):
    """A screenshot of the whole page with its plan is a PNG of the page's width and full height."""
    path = tmp_path / "pharmacist-page.png"

    full_page_screenshot(planned, path)

    width, height = png_size(path)
    assert width == WIDTH
    assert height > 3000
    assert path.stat().st_size > 100_000


# --- keyboard only ----------------------------------------------------------


def tab_through(driver, start_id: str, stop_id: str, limit: int = 80) -> list[str]:
    """Tab from one element to another, naming each element the focus passes (id, else tag and text)."""
    driver.execute_script("arguments[0].focus()", by_id(driver, start_id))
    passed = []
    for _ in range(limit):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        active = driver.switch_to.active_element
        passed.append(active.get_attribute("id") or f"{active.tag_name}:{active.text.strip()}")
        assert active.is_displayed(), passed[-1]
        if passed[-1] == stop_id:
            break
    assert passed[-1] == stop_id, f"{stop_id} not reached by Tab: {passed}"
    return passed


def test_the_plan_the_review_and_the_handout_are_reached_by_tab_alone(planned):
    """From the plan's heading, Tab reaches each medicine's notes, then the handout's Print and Download, every stop visible."""
    passed = tab_through(planned, "result-title", "download-ics")

    assert passed.count("summary:Instruction and notes") == 4
    assert passed[-2:] == ["print-handout", "download-ics"]
