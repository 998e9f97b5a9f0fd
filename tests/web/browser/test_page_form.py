"""End-to-end tests of the pharmacist's page in headless Chromium: errors beside their fields, and links.

A refused request shows each error next to the field it names; a link
(from CDS Hooks or a stored plan) fills the form and plans it again.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from datetime import datetime

from browsercases import (
    EXAMPLE,
    MARKS,
    NOW,
    by_id,
    choose,
    console_errors,
    focused,
    in_row,
    link_to,
    medicine_rows,
    open_page,
    shown,
    submit,
    text_of,
    type_datetime,
    wait,
)
from cdscases import appointment, hook_request, warfarin_statement
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from testclock import TEST_NOW

import medplan

pytestmark = MARKS


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
