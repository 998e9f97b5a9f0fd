"""End-to-end tests of the pharmacist's page in headless Chromium: answering the plan's review items.

Each review item is answered on the page, with the keyboard alone, and the
final plan is the one medplan gives for the same decisions.
"""

from __future__ import annotations

from browsercases import (
    EXAMPLE,
    MARKS,
    NOW,
    by_id,
    console_errors,
    focused,
    in_row,
    medicine_rows,
    open_link,
    shown,
    text_of,
    wait,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import medplan

pytestmark = MARKS


# --- answering the review ---------------------------------------------------

DECIDED_BY = "A. Pharmacist, ward 7"


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
