"""End-to-end tests of the pharmacist's page in headless Chromium, driven with Selenium.

The service runs under uvicorn on a free loopback port, in a thread; the
browser is Debian's ``chromium`` with its ``chromium-driver`` (nothing is
downloaded: Selenium is given both paths, and Selenium Manager is told to stay
offline). Without /usr/bin/chromium these tests are skipped; ``.ci/run``
installs both packages, so CI runs them.

The form is filled as a pharmacist would, with the keyboard where it
matters (the procedure chosen by typing, the dates typed, medicines added and
removed with Enter and Space, the plan asked for with Enter), and what the
page shows is checked against what medplan plans for the same request.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import struct
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

import medplan

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="the browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium, "
        "/usr/bin/chromedriver): apt-get install -y chromium chromium-driver (.ci/run does)",
    ),
]

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is in the test extra")

from selenium.webdriver.chrome.service import Service  # noqa: E402 - after the skip
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from testclock import TEST_NOW  # noqa: E402

from medplan.web.app import create_app  # noqa: E402

# Chromium as root in a container: no sandbox, no GPU, no /dev/shm, and none
# of its own connections to the internet (without these it waits on them and
# its connections here are refused).
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=en-US",  # datetime-local fields are typed month, day, year, then hh:mm AM/PM
    "--window-size=1280,1000",
]
WIDTH = 1280
BOOKING_ID = "RAD-2026-0412"
PROCEDURE_NAME = "Image-guided lumbar nerve root sleeve injection (left L5, transforaminal)"
NOW = "2026-11-24T10:00"

# What the form below sends: the bundled example as the page takes it.
EXPECTED_REQUEST = {
    "booking_id": BOOKING_ID,
    "now": NOW,
    "procedure": {
        "code": "tfesi-lumbar",
        "name": PROCEDURE_NAME,
        "start": "2026-12-08T09:30",
        "timezone": "Australia/Perth",
    },
    "patient": {
        "crcl_ml_min": 62,
        "weight_kg": 74,
        "hba1c_percent": 6.8,
        "anticoagulation": [
            {"reason": "atrial-fibrillation", "cha2ds2_vasc": 3, "stroke_or_tia": "none", "rheumatic_valve_disease": False},
        ],
        "takes_pain_relief": True,
        "severe_bleeding_disorder": False,
        "cauda_equina_symptoms": False,
        "acute_motor_weakness": False,
        "disc_or_epidural_infection": False,
        "diabetes": True,
        "local_skin_infection": False,
        "unwell": False,
    },
    "medications": [
        {"name": "Warfarin", "times": ["18:00"], "dose": "5 mg"},
        {"name": "Plavix", "times": ["08:00"], "dose": "75 mg"},
        {"name": "Aspirin", "times": ["08:00"], "dose": "100 mg", "indication": "secondary-prevention"},
        {"name": "Eliquis", "times": ["08:00", "20:00"], "dose": "5 mg"},
    ],
}


# --- the service and the browser ------------------------------------------


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The service, under uvicorn in a thread, on a loopback port the system chose."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped before it started"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    listener.close()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    """Headless Chromium from Debian, with a fresh profile; nothing is downloaded to run it."""
    with pytest.MonkeyPatch.context() as patch:
        # Selenium Manager is never needed with both paths given; if it ran, it must not go online.
        patch.setenv("SE_OFFLINE", "true")
        patch.setenv("SE_AVOID_STATS", "true")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        )
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path=str(CHROMEDRIVER), log_output=os.devnull)
        driver = webdriver.Chrome(service=service, options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    yield driver
    driver.quit()


def wait(driver, condition, seconds: float = 15):
    return WebDriverWait(driver, seconds).until(condition)


def open_page(driver, base_url: str) -> None:
    """The page, once its catalogue and names have loaded, with the console read so far discarded."""
    driver.get(f"{base_url}/pharmacist")
    wait(driver, lambda d: d.find_element(By.ID, "plan-form").get_attribute("data-ready") == "true")
    driver.get_log("browser")


def by_id(driver, element_id: str):
    return driver.find_element(By.ID, element_id)


def focused(driver) -> str:
    return driver.switch_to.active_element.get_attribute("id")


def choose(select, text: str) -> None:
    """Choose an option of a select the keyboard way: focus it and type the start of the option's text."""
    select.send_keys(text)


def type_datetime(field, value: str) -> None:
    """Type YYYY-MM-DDTHH:MM into a datetime-local field as en-US shows it: MMDDYYYY, then hhmm AM or PM."""
    day, clock = value.split("T")
    year, month, date = day.split("-")
    hour, minute = (int(part) for part in clock.split(":"))
    half = "AM" if hour < 12 else "PM"
    field.send_keys(f"{month}{date}{year}", Keys.TAB, f"{(hour - 1) % 12 + 1:02d}{minute:02d}{half}")


def medicine_rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#medicine-rows .medicine")


def in_row(row, field: str):
    return row.find_element(By.CSS_SELECTOR, f'[data-field="{field}"]')


def fill_the_example(driver) -> None:
    """The nerve root sleeve example, typed in; the procedure, dates and medicine rows with the keyboard."""
    code = by_id(driver, "procedure-code")
    choose(code, "Image-guided lumbar")
    assert code.get_attribute("value") == "tfesi-lumbar"
    by_id(driver, "procedure-name").send_keys(PROCEDURE_NAME)
    type_datetime(by_id(driver, "procedure-start"), "2026-12-08T09:30")
    zone = by_id(driver, "procedure-timezone")
    zone.send_keys(Keys.CONTROL, "a")
    zone.send_keys("Australia/Perth")
    by_id(driver, "booking-id").send_keys(BOOKING_ID)

    by_id(driver, "patient-crcl").send_keys("62")
    by_id(driver, "patient-weight").send_keys("74")
    by_id(driver, "patient-hba1c").send_keys("6.8")
    choose(by_id(driver, "patient-pain-relief"), "Yes")
    choose(by_id(driver, "reason"), "Atrial")
    by_id(driver, "af-cha2ds2-vasc").send_keys("3")
    by_id(driver, "af-stroke").send_keys("none")
    choose(by_id(driver, "af-rheumatic"), "No")
    for control in ("screen-severe-bleeding-disorder", "screen-cauda-equina", "screen-motor-weakness",
                    "screen-disc-infection", "screen-skin-infection", "screen-unwell"):
        choose(by_id(driver, control), "No")
    choose(by_id(driver, "screen-diabetes"), "Yes")

    for number, medicine in enumerate(EXPECTED_REQUEST["medications"]):
        if number:
            # Enter on the real button adds a row and puts the cursor in its name.
            by_id(driver, "add-medicine").send_keys(Keys.ENTER)
        row = medicine_rows(driver)[number]
        name = in_row(row, "name")
        if number:
            assert focused(driver) == name.get_attribute("id")
        name.send_keys(medicine["name"])
        in_row(row, "times").send_keys(" ".join(medicine["times"]))
        in_row(row, "dose").send_keys(medicine["dose"])
        if "indication" in medicine:
            choose(in_row(row, "indication"), "Secondary")
    type_datetime(by_id(driver, "now"), NOW)


def submit(driver) -> None:
    """Press Enter on the form's submit button."""
    by_id(driver, "make-plan").send_keys(Keys.ENTER)


def shown(driver, element_id: str) -> bool:
    return by_id(driver, element_id).is_displayed()


def text_of(element) -> str:
    """The element's text as the page wrote it (textContent: nothing hidden left out, white space kept)."""
    return element.get_property("textContent")


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def png_size(path: Path) -> tuple[int, int]:
    """The width and height a PNG file's IHDR chunk gives."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def full_page_screenshot(driver, path: Path) -> None:
    """The whole page, top to bottom, as one PNG."""
    driver.execute_script("window.scrollTo(0, 0)")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(WIDTH, height + 200)
    try:
        assert driver.save_screenshot(str(path))
    finally:
        driver.set_window_size(WIDTH, 1000)


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


@pytest.mark.parametrize(("paper", "width", "height"), [("A4", 8.27, 11.69), ("Letter", 8.5, 11.0)])
def test_the_handout_prints_on_one_sheet_of_a4_or_letter(planned, paper, width, height):
    """The example's handout prints on one page of A4 and one of Letter: one line per item, nothing day by day."""
    assert pdf_pages(planned, width, height) == 1, paper


def sheet_lines(driver, heading: str) -> list[str]:
    """The handout's lines under one of its headings."""
    return driver.execute_script(
        "const h = [...document.querySelectorAll('#handout-sheet h4')].find((x) => x.textContent === arguments[0]);"
        "return h ? [...h.nextElementSibling.querySelectorAll('li')].map((li) => li.textContent) : [];", heading)


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
        ("Monday 7 December 2026: INR blood test: the procedure goes ahead only if your INR is 1.5 or less. If it is higher, "
         "your team will tell you what happens next (a recheck, vitamin K by mouth or a new date)."),
    ]
    assert text_of(planned.find_element(By.CSS_SELECTOR, "#handout-sheet .not-final")).startswith("NOT FINAL")


def strip(driver) -> dict[str, list[str]]:
    """The timeline strip: each row's heading (first line) to its cells' text."""
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#timeline-rows tr')].map((tr) => ["
        "tr.querySelector('th').firstChild.textContent,"
        "[...tr.querySelectorAll('td')].map((td) => td.innerText.replace(/\\n/g, ' ').trim())]));")


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
    assert rows["Warfarin"] == ["taken INR", "last 18:00", "held", "held", "held", "held", "held INR", "held",
                                "restart 18:00", "taken", "taken", "taken", "taken"]
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
    assert buttons == ["Remove medicine 1", "Remove medicine 2", "Remove medicine 3", "Remove medicine 4",
                       "Add medicine", "Make the plan", "Medicine 2: Indication", "Medicine 2: Date of the event",
                       "Make the final plan with these answers", "Print handout"]


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


# --- answering the review ---------------------------------------------------

DECIDED_BY = "A. Pharmacist, ward 7"


def open_link(driver, base_url: str, request: dict) -> None:
    """The page, opened from a #request= link, once the link's plan is shown."""
    open_page(driver, base_url)
    driver.get(link_to(base_url, request))
    wait(driver, lambda d: shown(d, "result") and "link" in text_of(by_id(d, "form-status")))


def tab_to(driver, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element has the focus (a datetime field takes several presses, one per part)."""
    for _ in range(limit):
        if focused(driver) == element_id:
            return
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert focused(driver) == element_id, f"{element_id} not reached by Tab"


def review_item(driver, review_id: str):
    return driver.find_element(By.CSS_SELECTOR, f'.review-item[data-review="{review_id}"]')


def test_each_review_item_has_its_answers_and_a_decided_by_field(browser, base_url):
    """The example's open items each have a group with the answers they accept, not answered yet, and Decided by, in the plan's order."""
    open_link(browser, base_url, EXAMPLE | {"now": NOW})

    items = browser.find_elements(By.CSS_SELECTOR, ".review-item")
    shown_items = {
        item.get_attribute("data-review"): (
            [text_of(label) for label in item.find_elements(By.CSS_SELECTOR, ".answers label")],
            item.find_element(By.CSS_SELECTOR, '[data-decision="answer"]:checked').get_attribute("value"),
            text_of(item.find_element(By.CSS_SELECTOR, 'label[for$="-by"]')),
        )
        for item in items
    }

    medicine = (["Not answered yet", "Hold", "Continue"], "", "Decided by")
    plan_wide = (["Not answered yet", "Confirmed"], "", "Decided by")
    assert shown(browser, "decisions")
    assert shown_items == {
        "Plavix/indication": medicine, "Plavix/unconfirmed-rule": medicine, "Eliquis/unconfirmed-rule": medicine,
        "plan/two-anticoagulants": plan_wide, "plan/anticoagulant-with-antiplatelet": plan_wide,
        "plan/two-antiplatelets": plan_wide,
    }
    assert list(shown_items) == [item["id"] for item in medplan.plan(EXAMPLE | {"now": NOW}).to_dict()["reviews"]]
    assert text_of(review_item(browser, "Plavix/unconfirmed-rule").find_element(By.TAG_NAME, "legend")).startswith(
        "Plavix: Hold Plavix (clopidogrel) as proposed")


def test_the_review_is_answered_with_the_keyboard_alone_and_gives_the_final_plan(browser, base_url):
    """Tab, arrow keys, typing and Enter answer the six items; the final plan is medplan's for those decisions, and the page says so."""
    request = EXAMPLE | {"now": NOW}
    open_link(browser, base_url, request)
    browser.execute_script("document.getElementById('decisions-title').focus()")  # where the keyboard starts

    items = medplan.plan(request).to_dict()["reviews"]
    for number in range(1, len(items) + 1):
        tab_to(browser, f"review-{number}-answer-0")
        browser.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)  # Hold, or Confirmed
        tab_to(browser, f"review-{number}-by")
        browser.switch_to.active_element.send_keys(DECIDED_BY)
    tab_to(browser, "apply-decisions")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser, lambda d: text_of(by_id(d, "form-status")).startswith("Plan made with 6 decisions"))

    decisions = [{"review": item["id"], "answer": item["answer_with"]["decision"][0], "by": DECIDED_BY} for item in items]
    final = medplan.plan(request | {"decisions": decisions})
    assert not final.needs_review
    assert text_of(by_id(browser, "form-status")) == "Plan made with 6 decisions: the final plan, every question answered."
    assert focused(browser) == "result-title"
    assert not shown(browser, "review")
    assert text_of(by_id(browser, "no-review")).startswith(f"Final plan: every question answered, decided by {DECIDED_BY} (pharmacist review).")
    rows = browser.find_elements(By.CSS_SELECTOR, "#plan-rows tr")
    assert [r.find_elements(By.TAG_NAME, "time")[0].get_attribute("datetime") if r.find_elements(By.TAG_NAME, "time") else None
            for r in rows] == [None if m.last_dose is None else m.last_dose.isoformat() for m in final.medications]
    assert [text_of(r.find_element(By.CSS_SELECTOR, ".action")) for r in rows] == ["Hold", "Hold", "Continue", "Hold"]
    assert text_of(by_id(browser, "calendar-text")) == medplan.render_calendar(final)
    assert browser.find_elements(By.CSS_SELECTOR, "#handout-sheet .not-final") == []
    assert f"checked by {DECIDED_BY}" in text_of(by_id(browser, "handout-sheet"))
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline-rows .cell-proposed") == []
    # The answers stay filled in, to change one and plan again.
    plavix = review_item(browser, "Plavix/unconfirmed-rule")
    assert plavix.find_element(By.CSS_SELECTOR, '[data-decision="answer"]:checked').get_attribute("value") == "hold"
    assert plavix.find_element(By.CSS_SELECTOR, '[data-decision="by"]').get_attribute("value") == DECIDED_BY
    assert console_errors(browser) == []


def test_a_refused_decision_is_shown_beside_its_field_and_the_questions_stay(browser, base_url):
    """Hold chosen for Plavix without Decided by: the service's 422 names decisions[0].by, shown beside that field; the plan is taken off the screen, the questions are not."""
    open_link(browser, base_url, EXAMPLE | {"now": NOW})
    item = review_item(browser, "Plavix/unconfirmed-rule")
    item.find_element(By.CSS_SELECTOR, '[data-decision="answer"][value="hold"]').send_keys(Keys.SPACE)

    by_id(browser, "apply-decisions").send_keys(Keys.ENTER)
    wait(browser, lambda d: shown(d, "error-summary"))

    field = item.find_element(By.CSS_SELECTOR, '[data-decision="by"]')
    beside = field.find_element(By.XPATH, "following-sibling::*[1]")
    assert field.get_attribute("aria-invalid") == "true"
    assert text_of(beside).startswith("Error: Plavix/unconfirmed-rule: Decided by ")
    assert shown(browser, "decisions")
    assert not shown(browser, "result")
    [link] = by_id(browser, "error-list").find_elements(By.TAG_NAME, "a")
    link.send_keys(Keys.ENTER)
    assert focused(browser) == field.get_attribute("id")


def test_no_answer_chosen_sends_nothing_and_says_so(browser, base_url):
    """The final-plan button with no answer chosen makes no request and says why."""
    open_link(browser, base_url, EXAMPLE | {"now": NOW})

    by_id(browser, "apply-decisions").send_keys(Keys.ENTER)

    assert text_of(by_id(browser, "decisions-status")) == "Choose an answer for at least one question first."
    assert shown(browser, "result")


def test_an_item_answered_by_data_leads_to_the_forms_field(browser, base_url):
    """Why clopidogrel is taken may be answered by data: its item has buttons to the medicine's indication and date, which take the focus there."""
    open_link(browser, base_url, EXAMPLE | {"now": NOW})
    item = review_item(browser, "Plavix/indication")
    buttons = item.find_elements(By.CSS_SELECTOR, ".data-answer button")

    assert text_of(item.find_element(By.CSS_SELECTOR, ".data-answer")) == (
        "Or answer it with data: give Medicine 2: Indication or Medicine 2: Date of the event in the form above, "
        "then make the plan again.")
    buttons[0].send_keys(Keys.ENTER)
    assert focused(browser) == in_row(medicine_rows(browser)[1], "indication").get_attribute("id")


# --- errors ---------------------------------------------------------------


def fill_minimal(driver, zone: str) -> None:
    """A catalogue procedure with a start and a zone, and no medicine (the empty row removed with Space)."""
    choose(by_id(driver, "procedure-code"), "Image-guided lumbar")
    type_datetime(by_id(driver, "procedure-start"), "2027-01-12T09:30")
    field = by_id(driver, "procedure-timezone")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(zone)
    [row] = medicine_rows(driver)
    row.find_element(By.CSS_SELECTOR, "button.remove").send_keys(Keys.SPACE)
    assert medicine_rows(driver) == []
    assert focused(driver) == "add-medicine"


def test_a_bad_time_zone_is_shown_next_to_its_field(browser, base_url):
    """The service's 422 for the zone is shown under the zone field and in the summary, which has the focus; the field is marked invalid."""
    open_page(browser, base_url)
    fill_minimal(browser, "Perth")

    submit(browser)
    wait(browser, lambda d: shown(d, "error-summary"))

    zone = by_id(browser, "procedure-timezone")
    said = "Time zone is not an IANA time zone such as Europe/London (got 'Perth')"
    beside = zone.find_element(By.XPATH, "following-sibling::*[1]")
    [link] = by_id(browser, "error-list").find_elements(By.TAG_NAME, "a")
    assert focused(browser) == "error-summary"
    assert by_id(browser, "error-summary").get_attribute("role") == "alert"
    assert (beside.get_attribute("id"), text_of(beside)) == ("procedure-timezone-error", f"Error: {said}")
    assert zone.get_attribute("aria-invalid") == "true"
    assert zone.get_attribute("aria-describedby") == "procedure-timezone-error procedure-timezone-hint"
    assert text_of(link) == f"{said} (procedure.timezone)"
    assert not shown(browser, "result")
    assert not shown(browser, "handout")

    link.send_keys(Keys.ENTER)
    assert focused(browser) == "procedure-timezone"


def test_a_corrected_field_clears_its_error_and_the_plan_is_made(browser, base_url):
    """After the zone is corrected, the next plan clears the error beside it and the field's invalid mark."""
    open_page(browser, base_url)
    fill_minimal(browser, "Perth")
    submit(browser)
    wait(browser, lambda d: shown(d, "error-summary"))
    zone = by_id(browser, "procedure-timezone")
    zone.send_keys(Keys.CONTROL, "a")
    zone.send_keys("Australia/Perth")

    submit(browser)
    wait(browser, lambda d: shown(d, "result"))

    assert browser.find_elements(By.CSS_SELECTOR, ".field-error") == []
    assert zone.get_attribute("aria-invalid") is None
    assert zone.get_attribute("aria-describedby") == "procedure-timezone-hint"
    assert not shown(browser, "error-summary")
    assert focused(browser) == "result-title"


def test_a_medicines_error_is_shown_in_its_own_row(browser, base_url):
    """A bad usual time in the second row, after an empty first row that is not sent, is shown beside that row's times."""
    open_page(browser, base_url)
    choose(by_id(browser, "procedure-code"), "Image-guided lumbar")
    type_datetime(by_id(browser, "procedure-start"), "2027-01-12T09:30")
    by_id(browser, "add-medicine").send_keys(Keys.ENTER)
    second = medicine_rows(browser)[1]
    in_row(second, "name").send_keys("Warfarin")
    in_row(second, "times").send_keys("25:00")

    submit(browser)
    wait(browser, lambda d: shown(d, "error-summary"))

    times = in_row(second, "times")
    beside = times.find_element(By.XPATH, "following-sibling::*[1]")
    assert text_of(beside) == "Error: Medicine 2: Usual times must be a time HH:MM from 00:00 to 23:59 (got '25:00')"
    assert times.get_attribute("aria-invalid") == "true"
    assert in_row(medicine_rows(browser)[0], "name").get_attribute("aria-invalid") is None


def test_now_left_empty_is_the_servers_clock(browser, base_url):
    """Without a now, the plan is made as of the server's clock (the tests' TEST_NOW), and the page says so."""
    open_page(browser, base_url)
    fill_minimal(browser, "Australia/Perth")

    submit(browser)
    wait(browser, lambda d: shown(d, "result"))

    booking = by_id(browser, "booking")
    planned_at = booking.find_element(By.TAG_NAME, "time").get_attribute("datetime")
    assert datetime.fromisoformat(planned_at) == TEST_NOW
    assert "(the server's clock)" in booking.text


def test_a_reasons_error_is_shown_beside_its_field_in_the_reasons_group(browser, base_url):
    """A valve type chosen, then the reason changed to VTE with a bad date: only the VTE group is sent, and its date's error is beside it."""
    open_page(browser, base_url)
    fill_minimal(browser, "Australia/Perth")
    choose(by_id(browser, "reason"), "Mechanical")
    choose(by_id(browser, "mhv-type"), "Bileaflet")
    choose(by_id(browser, "reason"), "Venous")
    by_id(browser, "vte-date").send_keys("2026-13-01")

    submit(browser)
    wait(browser, lambda d: shown(d, "error-summary"))

    field = by_id(browser, "vte-date")
    beside = field.find_element(By.XPATH, "following-sibling::*[1]")
    assert not by_id(browser, "mhv-type").is_displayed()
    assert [text_of(a) for a in by_id(browser, "error-list").find_elements(By.TAG_NAME, "a")] == [
        text_of(beside).removeprefix("Error: ") + " (patient.anticoagulation[0].vte)",
    ]
    assert "2026-13-01" in text_of(beside)
    assert field.get_attribute("aria-invalid") == "true"


def test_a_cds_cards_link_opens_the_page_with_that_appointments_plan(browser, base_url):
    """The appointment-book card's link, opened as the EHR would: the page plans the request in its fragment and shows it and the handout."""
    from test_cds import appointment, hook_request, warfarin_statement  # noqa: PLC0415 - the hook request shapes

    hook = hook_request(appointment("tfesi-lumbar"), statements=[warfarin_statement()])
    body = json.dumps(hook).encode("utf-8")
    call = urllib.request.Request(  # noqa: S310 - the loopback service
        f"{base_url}/cds-services/medplan-appointment-book?timezone=Australia/Perth&now=2026-12-01T10:00",
        data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(call, timeout=30) as answer:  # noqa: S310 - the loopback service
        (card,) = json.load(answer)["cards"]
    (link,) = card["links"]
    assert link["url"].startswith(f"{base_url}/pharmacist#request=")

    browser.get_log("browser")  # what earlier tests left in the console
    browser.get(link["url"])
    wait(browser, lambda d: shown(d, "result") and shown(d, "handout"))

    fragment = link["url"].partition("#request=")[2]
    carried = json.loads(base64.urlsafe_b64decode(fragment + "=" * (-len(fragment) % 4)))
    expected = medplan.plan(carried)
    rows = browser.find_elements(By.CSS_SELECTOR, "#plan-rows tr")
    assert [r.find_element(By.TAG_NAME, "th").text.split("\n")[0] for r in rows] == [m.input for m in expected.medications]
    assert text_of(by_id(browser, "calendar-text")) == medplan.render_calendar(expected)
    assert text_of(by_id(browser, "form-status")) == (
        "Plan of the booking in this link, filled into the form above: it needs pharmacist review.")
    assert [in_row(row, "name").get_attribute("value") for row in medicine_rows(browser)] == [
        m["name"] for m in carried["medications"]]
    assert by_id(browser, "procedure-code").get_attribute("value") == carried["procedure"]["code"]
    assert console_errors(browser) == []


def test_a_link_whose_request_cannot_be_read_says_so(browser, base_url):
    """A fragment that is not base64url JSON is an error in the summary, and no plan is shown."""
    browser.get(f"{base_url}/pharmacist#request=not*base64")
    wait(browser, lambda d: shown(d, "error-summary"))

    assert text_of(by_id(browser, "error-list")).startswith("the link's request could not be read (not base64url)")
    assert not shown(browser, "result")


# --- a link fills the form ------------------------------------------------

EXAMPLE = json.loads((Path(medplan.__file__).parent / "examples" / "nerve-root-sleeve-injection.json").read_text(encoding="utf-8"))


def link_to(base_url: str, request: dict) -> str:
    """The page's address with ``request`` after #request=, as medplan.fhir.cds.page_link makes it."""
    return medplan.fhir.cds.page_link(f"{base_url}/pharmacist", request)


def test_a_link_fills_the_form_and_the_form_plans_it_again(browser, base_url):
    """A #request= link of the example with a clinic profile fills every field the form has; the profile is said to be carried; Enter on Make the plan plans the same request again."""
    request = EXAMPLE | {"policy": {"profile": "radiologist-10-day-antiplatelet"}, "now": NOW}
    # Why clopidogrel is taken, with no minimum time on it, so that its hold is the clinic's alone.
    request["medications"] = [m | {"indication": "peripheral-arterial-disease"} if m["name"] == "Plavix" else m
                              for m in EXAMPLE["medications"]]
    open_page(browser, base_url)
    browser.get(link_to(base_url, request))
    wait(browser, lambda d: shown(d, "result") and "link" in text_of(by_id(d, "form-status")))

    values = {name: by_id(browser, name).get_attribute("value") for name in (
        "procedure-code", "procedure-name", "procedure-start", "procedure-timezone", "procedure-risk", "procedure-guideline",
        "patient-crcl", "patient-weight", "patient-hba1c", "patient-pain-relief", "reason", "af-cha2ds2-vasc", "af-stroke",
        "af-rheumatic", "screen-diabetes", "screen-unwell", "now")}
    rows = [{field: in_row(row, field).get_attribute("value") for field in ("name", "times", "dose", "indication")}
            for row in medicine_rows(browser)]
    assert values == {
        "procedure-code": "tfesi-lumbar", "procedure-name": EXAMPLE["procedure"]["name"], "procedure-start": "2026-12-08T09:30",
        "procedure-timezone": "Australia/Perth", "procedure-risk": "intermediate", "procedure-guideline": "asra-pain-2018",
        "patient-crcl": "62", "patient-weight": "74", "patient-hba1c": "6.8", "patient-pain-relief": "true",
        "reason": "atrial-fibrillation", "af-cha2ds2-vasc": "3", "af-stroke": "none", "af-rheumatic": "false",
        "screen-diabetes": "true", "screen-unwell": "false", "now": NOW,
    }
    assert rows == [
        {"name": "Warfarin", "times": "18:00", "dose": "5 mg", "indication": ""},
        {"name": "Plavix", "times": "08:00", "dose": "75 mg", "indication": "peripheral-arterial-disease"},
        {"name": "Aspirin", "times": "08:00", "dose": "100 mg", "indication": "secondary-prevention"},
        {"name": "Eliquis", "times": "08:00 20:00", "dose": "5 mg", "indication": ""},
    ]
    assert text_of(by_id(browser, "link-note")) == (
        "The link also gave policy: not shown in the form, and sent with it when you plan again.")
    linked = [text_of(r) for r in browser.find_elements(By.CSS_SELECTOR, "#plan-rows tr td:nth-child(2)")]

    submit(browser)
    wait(browser, lambda d: text_of(by_id(d, "form-status")) == "Plan made: it needs pharmacist review.")

    again = [text_of(r) for r in browser.find_elements(By.CSS_SELECTOR, "#plan-rows tr td:nth-child(2)")]
    assert again == linked
    assert again[1].startswith("Hold 10 days")  # the carried profile: the clinic's 10 days, not a review
    assert console_errors(browser) == []


def test_a_link_value_the_form_cannot_show_is_carried_not_lost(browser, base_url):
    """A now with an offset and an order's field the form lacks are carried: listed, and sent again with the form's request."""
    request = EXAMPLE | {"now": "2026-11-24T02:00:00Z"}
    request["medications"] = [{"name": "Plavix", "times": ["08:00"], "route": "oral", "dose": "75 mg"}]
    open_page(browser, base_url)
    browser.get(link_to(base_url, request))
    wait(browser, lambda d: shown(d, "result") and "link" in text_of(by_id(d, "form-status")))

    assert by_id(browser, "now").get_attribute("value") == ""
    assert text_of(by_id(browser, "link-note")) == (
        "The link also gave now: not shown in the form, and sent with it when you plan again.")
    submit(browser)
    wait(browser, lambda d: text_of(by_id(d, "form-status")).startswith("Plan made"))
    planned_at = by_id(browser, "booking").find_element(By.TAG_NAME, "time").get_attribute("datetime")
    assert planned_at == "2026-11-24T10:00:00+08:00"
