"""Helpers shared by the browser tests in tests/web/browser/: Chromium's paths and flags, the example, the form.

The fixtures that start the service and the browser are in
tests/web/browser/conftest.py; the helpers here drive the page as a pharmacist
would, with the keyboard where it matters.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import medplan.fhir.cds

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

# Every browser test module's pytestmark.
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="the browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium, "
        "/usr/bin/chromedriver): apt-get install -y chromium chromium-driver (.ci/run does)",
    ),
]

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


EXAMPLE = json.loads((Path(medplan.__file__).parent / "examples" / "nerve-root-sleeve-injection.json").read_text(encoding="utf-8"))


def link_to(base_url: str, request: dict) -> str:
    """The page's address with ``request`` after #request=, as medplan.fhir.cds.page_link makes it."""
    return medplan.fhir.cds.page_link(f"{base_url}/pharmacist", request)


def open_link(driver, base_url: str, request: dict) -> None:
    """The page, opened from a #request= link, once the link's plan is shown."""
    open_page(driver, base_url)
    driver.get(link_to(base_url, request))
    wait(driver, lambda d: shown(d, "result") and "link" in text_of(by_id(d, "form-status")))
