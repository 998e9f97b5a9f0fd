"""Tests of the pharmacist's page and its endpoints (``medplan.web.page``), through Starlette's TestClient.

The browser tests (``tests/web/browser/``) drive the page itself; these
check what the service sends: exact statuses, headers and bodies, the page's
HTML read with the standard library's parser, and each answer against the
OpenAPI document.
"""

from __future__ import annotations

import json
import os
import re
import sys
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import attrs
import pytest
import referencing
from jsonschema import Draft202012Validator
from referencing.jsonschema import DRAFT202012
from starlette.testclient import TestClient
from strategies import VALID

import medplan
from medplan.model import Indication, StentType
from medplan.tables.care import FLAGS
from medplan.tables.drug_classes import normalise_name
from medplan.tables.procedures import default_catalogue
from medplan.web import app, http, page

STATIC = resources.files("medplan") / "static"
OPENAPI_PATH = Path(str(resources.files("medplan.schemas") / "openapi.json"))
OPENAPI = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
EXAMPLE = json.loads((resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json").read_text(encoding="utf-8"))
PERTH = VALID | {"procedure": VALID["procedure"] | {"timezone": "Perth"}}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'"
)


@pytest.fixture(scope="module")
def client():
    return TestClient(app.create_app())


def error(kind: str, problem: str, field: str | None = None, message: str | None = None) -> dict:
    """The service's error body."""
    if message is None:
        message = f"{field}: {problem}" if field else problem
    return {"error": {"type": kind, "field": field, "problem": problem, "message": message}}


def documented(response, path: str, method: str):
    """``response``, after checking that the OpenAPI document lists its status and media type, and that a JSON body fits the schema given."""
    responses = OPENAPI["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, f"{method} {path} does not list {response.status_code}"
    listed = responses[str(response.status_code)]
    if "$ref" in listed:
        listed = OPENAPI["components"]["responses"][listed["$ref"].rsplit("/", 1)[-1]]
    media = response.headers["content-type"].partition(";")[0]
    assert media in listed["content"], f"{method} {path} {response.status_code} does not list {media}"
    if media == "application/json":
        registry = referencing.Registry().with_resource(OPENAPI_PATH.as_uri(), DRAFT202012.create_resource(OPENAPI))
        for name in ("request", "plan"):
            schema = medplan.schema(name)
            uri = (OPENAPI_PATH.parent / f"{name}.schema.json").as_uri()
            registry = registry.with_resource(uri, DRAFT202012.create_resource(schema))
        schema = listed["content"][media]["schema"]
        resolved = {"$ref": f"{OPENAPI_PATH.as_uri()}#/components/schemas/{schema['$ref'].rsplit('/', 1)[-1]}"}
        Draft202012Validator(resolved, registry=registry).validate(response.json())
    return response


def get(client, path: str):
    return documented(client.get(path), path.partition("?")[0], "get")


def post(client, path: str, body: object, **kwargs):
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": "application/json"} | kwargs.pop("headers", {})
    return documented(client.post(path, content=content, headers=headers, **kwargs), path.partition("?")[0], "post")


# --- the page's files -----------------------------------------------------


@attrs.frozen(kw_only=True)
class ShippedFileCase:
    """One case of test_the_page_and_its_files_are_served_as_shipped_under_a_self_only_csp: path, name, media_type."""

    path: str
    name: str
    media_type: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            ShippedFileCase(path="/pharmacist", name="index.html", media_type="text/html; charset=utf-8"),
            id="/pharmacist-index.html-text/html; charset=utf-8",
        ),
        pytest.param(
            ShippedFileCase(path="/pharmacist/page.js", name="page.js", media_type="text/javascript; charset=utf-8"),
            id="/pharmacist/page.js-page.js-text/javascript; charset=utf-8",
        ),
        pytest.param(
            ShippedFileCase(path="/pharmacist/page.css", name="page.css", media_type="text/css; charset=utf-8"),
            id="/pharmacist/page.css-page.css-text/css; charset=utf-8",
        ),
        pytest.param(
            ShippedFileCase(path="/pharmacist/favicon.svg", name="favicon.svg", media_type="image/svg+xml"),
            id="/pharmacist/favicon.svg-favicon.svg-image/svg+xml",
        ),
    ],
)
def test_the_page_and_its_files_are_served_as_shipped_under_a_self_only_csp(client, case):
    """GET /pharmacist and its script and style sheet answer the package's files byte for byte, under a Content-Security-Policy of the service's own origin only."""
    response = get(client, case.path)

    assert response.status_code == 200
    assert response.content == (STATIC / case.name).read_bytes()
    assert response.headers["content-type"] == case.media_type
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_csp_allows_nothing_but_the_services_own_origin():
    """Every source the policy names is 'self' or 'none': no host, scheme, inline code or eval is allowed."""
    directives = dict(d.split(" ", 1) for d in page.CONTENT_SECURITY_POLICY.split("; "))
    sources = {s for name, value in directives.items() if name != "require-trusted-types-for" for s in value.split()}

    assert page.CONTENT_SECURITY_POLICY == CSP
    assert sources == {"'self'", "'none'"}
    assert directives["default-src"] == "'none'"


def test_head_is_answered_on_the_page(client):
    """HEAD /pharmacist is answered as GET, without a body."""
    response = client.head("/pharmacist")

    assert (response.status_code, response.content) == (200, b"")


def test_the_page_has_no_trailing_slash_path(client):
    """/pharmacist/ is not the page (the service never redirects), so its relative links always resolve from /pharmacist."""
    response = client.get("/pharmacist/")

    assert (response.status_code, response.json()) == (404, error("NotFound", "no such path: /pharmacist/"))


class Page(HTMLParser):
    """The page's elements, attributes and text, as the standard library's parser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.labels: dict[str, str] = {}  # for -> text
        self.label_for: str | None = None
        self.fieldsets: list[list[str]] = []  # the tags of each fieldset's children, in order
        self.inline_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.fieldsets and self.open and self.open[-1] == "fieldset":
            self.fieldsets[-1].append(tag)
        self.elements.append((tag, attributes))
        if tag == "fieldset":
            self.fieldsets.append([])
        if tag == "label":
            self.label_for = attributes.get("for")
            self.labels[self.label_for or ""] = ""
        if tag == "script" and not attributes.get("src"):
            self.inline_script = True
        if tag not in {"meta", "link", "input", "br", "img"}:
            self.open.append(tag)

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop() == tag:
                break
        if tag == "label":
            self.label_for = None

    def handle_data(self, data):
        if self.label_for is not None:
            self.labels[self.label_for] += data
        self.text.append(data)


@pytest.fixture(scope="module")
def html(client) -> Page:
    parsed = Page()
    parsed.feed(client.get("/pharmacist").text)
    parsed.close()
    return parsed


def test_the_page_says_its_language_and_has_a_title(html):
    """The page is in English by its lang attribute, and has a title and one h1."""
    assert ("html", {"lang": "en"}) in html.elements
    assert [tag for tag, _ in html.elements].count("h1") == 1
    assert "title" in [tag for tag, _ in html.elements]


def test_every_input_select_and_textarea_has_its_own_label(html):
    """Each form control has an id that a <label for> names, with text, and no two share an id."""
    controls = [a for tag, a in html.elements if tag in {"input", "select", "textarea"}]
    ids = [a.get("id") for a in controls]

    assert len(controls) >= 20
    assert None not in ids
    assert len(set(ids)) == len(ids)
    for control_id in ids:
        assert html.labels.get(control_id, "").strip(), f"no label for {control_id}"
    assert set(html.labels) <= set(ids)  # no label for a control that is not there


def test_every_fieldset_starts_with_its_legend(html):
    """Each fieldset's first child is a legend, so a screen reader names the group."""
    assert len(html.fieldsets) >= 5
    for children in html.fieldsets:
        assert children[:1] == ["legend"]


def test_every_button_is_a_real_button_with_a_type(html):
    """Buttons are <button> with an explicit type, so the keyboard operates them and none submits by accident."""
    buttons = [a for tag, a in html.elements if tag == "button"]

    assert {b["type"] for b in buttons} == {"button", "submit"}
    assert [b["id"] for b in buttons if b["type"] == "submit"] == ["make-plan"]


def test_the_page_loads_nothing_from_elsewhere_and_has_no_inline_code(html):
    """Every src and href is relative to the service, and there is no inline script, style or event handler (the CSP would refuse them)."""
    for tag, attributes in html.elements:
        for name, value in attributes.items():
            assert not name.startswith("on"), f"<{tag} {name}>"
            assert name != "style", f"<{tag} style>"
            if name in {"src", "href"}:
                assert value is not None
                assert not re.match(r"^([a-z]+:|//)", value), f"<{tag} {name}={value}>"
    assert not html.inline_script
    assert "style" not in [tag for tag, _ in html.elements]
    assert ("script", {"src": "pharmacist/page.js", "defer": None}) in html.elements
    assert ("link", {"rel": "stylesheet", "href": "pharmacist/page.css"}) in html.elements
    assert ("link", {"rel": "icon", "href": "pharmacist/favicon.svg", "type": "image/svg+xml"}) in html.elements


def test_the_results_and_errors_are_announced(html):
    """The error summary and the review reasons are alerts, the form's progress a status, and the result heading takes focus."""
    by_id = {a.get("id"): a for _, a in html.elements if a.get("id")}

    assert by_id["error-summary"]["role"] == "alert"
    assert by_id["error-summary"]["tabindex"] == "-1"
    assert by_id["review"]["role"] == "alert"
    assert by_id["form-status"]["role"] == "status"
    assert by_id["result-title"]["tabindex"] == "-1"
    assert by_id["print-handout"]["type"] == "button"


def test_the_script_writes_text_never_html_and_calls_only_relative_paths():
    """page.js has no HTML sink (innerHTML, document.write, eval) and no absolute URL: it calls the service by relative path."""
    script = (STATIC / "page.js").read_text(encoding="utf-8")

    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script
    assert not re.search(r"https?://|//[a-z]", script)
    assert set(re.findall(r'(?:post|load)\("([^"]+)"', script)) == {"v1/plan", "v1/calendar", "v1/ics", "v1/procedures", "v1/names"}


def test_the_style_sheet_fetches_nothing_and_has_a_print_handout():
    """page.css imports and fetches nothing, and its print styles hide everything but the handout, with margins that suit A4 and Letter."""
    css = (STATIC / "page.css").read_text(encoding="utf-8")

    assert "url(" not in css
    assert "@import" not in css
    assert "@media print" in css
    assert ".page-header, form, #result, #decisions, .handout-actions, .calendar-details" in css
    assert "@page { margin: 15mm; }" in css


# --- GET /v1/names --------------------------------------------------------


def test_names_lists_every_name_the_table_resolves_once(client, table):
    """GET /v1/names has one entry per name the table resolves, each resolving to the drug it gives, sorted without regard to case."""
    response = get(client, "/v1/names")
    body = response.json()
    names = body["names"]

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert body["table_version"] == table.version
    assert len(names) == len(table.names)
    assert {normalise_name(n["name"]) for n in names} == set(table.names)
    for entry in names:
        resolution = table.resolve(entry["name"])
        assert (resolution.drug, resolution.drug_class) == (entry["drug"], entry["drug_class"])
    assert [n["name"].casefold() for n in names] == sorted(n["name"].casefold() for n in names)


def test_names_gives_each_as_the_table_writes_it_with_its_kind(client):
    """A brand, a generic and an ATC code for apixaban are listed as the table spells them."""
    names = get(client, "/v1/names").json()["names"]
    apixaban = [n for n in names if n["drug"] == "apixaban"]

    assert apixaban == [
        {"name": "apixaban", "drug": "apixaban", "drug_class": "apixaban", "kind": "generic"},
        {"name": "B01AF02", "drug": "apixaban", "drug_class": "apixaban", "kind": "atc"},
        {"name": "Eliquis", "drug": "apixaban", "drug_class": "apixaban", "kind": "brand"},
    ]


def test_names_come_from_the_table_the_app_was_given(tmp_path):
    """An app built with a clinic's table lists that table's names."""
    bundled = (resources.files("medplan") / "data" / "drug_classes.csv").read_text(encoding="utf-8")
    header, warfarin = [line for line in bundled.splitlines() if line.startswith(("rule_id", "asra-pain-2018:warfarin,"))]
    path = tmp_path / "one.csv"
    path.write_text(f"{header}\n{warfarin}\n", encoding="utf-8")
    table = medplan.load_table(path)

    body = get(TestClient(app.create_app(table=table)), "/v1/names").json()

    assert body["table_version"] == table.version
    assert {n["drug"] for n in body["names"]} == {"warfarin"}
    assert len(body["names"]) == len(table.names)


def test_names_takes_no_query_parameters(client):
    """A query parameter on GET /v1/names is refused, as on the other /v1 endpoints."""
    response = get(client, "/v1/names?q=war")

    assert (response.status_code, response.json()) == (400, error("BadRequest", "unknown query parameter 'q' (it takes none)"))


# --- GET /v1/procedures ---------------------------------------------------


def test_procedures_lists_the_catalogue_in_its_order(client):
    """GET /v1/procedures is the catalogue, code for code and in order, with the seed's procedure as the catalogue has it."""
    catalogue = default_catalogue()
    body = get(client, "/v1/procedures").json()

    assert body["catalogue_version"] == catalogue.version
    assert [p["code"] for p in body["procedures"]] == list(catalogue.procedures)
    [tfesi] = [p for p in body["procedures"] if p["code"] == "tfesi-lumbar"]
    assert tfesi == {
        "code": "tfesi-lumbar",
        "name": "Image-guided lumbar nerve root sleeve injection (transforaminal epidural steroid injection)",
        "guideline": "asra-pain-2018",
        "bleeding_risk": "intermediate",
        "escalates_to": None,
        "fasting": False,
        "sedation": False,
        "contrast": False,
    }
    [colonoscopy] = [p for p in body["procedures"] if p["code"] == "colonoscopy-diagnostic"]
    assert colonoscopy["escalates_to"] == catalogue.get("colonoscopy-diagnostic").escalates_to.value


def test_procedures_takes_no_query_parameters(client):
    """A query parameter on GET /v1/procedures is refused."""
    response = get(client, "/v1/procedures?code=tfesi-lumbar")

    assert response.status_code == 400
    assert response.json() == error("BadRequest", "unknown query parameter 'code' (it takes none)")


# --- POST /v1/calendar ----------------------------------------------------


def test_calendar_is_the_patients_calendar_of_the_plan(client):
    """POST /v1/calendar answers render_calendar of the plan /v1/plan makes, as UTF-8 text."""
    response = post(client, "/v1/calendar", EXAMPLE)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.text == medplan.render_calendar(medplan.plan(EXAMPLE))
    assert response.text.startswith("Your medicines around your procedure\n")


def test_calendar_takes_now_from_the_query(client):
    """Query now replaces the request's, as for /v1/plan: booked too soon, the calendar gives no dates."""
    response = post(client, "/v1/calendar?now=2026-12-07T10:00", EXAMPLE)

    assert response.text == medplan.render_calendar(medplan.plan(EXAMPLE, now="2026-12-07T10:00"))
    assert "cannot go ahead" in response.text


def test_calendar_of_a_refused_request_is_the_422_of_plan(client):
    """A request medplan refuses is 422 naming the field, exactly as /v1/plan answers it."""
    response = post(client, "/v1/calendar", PERTH)

    assert response.status_code == 422
    assert response.json() == error("InputError", "is not an IANA time zone such as Europe/London (got 'Perth')", "procedure.timezone")


@pytest.mark.parametrize("path", ["/v1/calendar", "/v1/ics"])
def test_calendar_and_ics_refuse_what_plan_refuses(client, path):
    """Not JSON is 400, another media type 415, an unknown query parameter 400, a body over the limit 413."""
    not_json = post(client, path, b"{")
    wrong_type = post(client, path, VALID, headers={"content-type": "text/plain"})
    unknown = post(client, f"{path}?when=now", VALID)
    huge = post(client, path, b" " * (app.MAX_REQUEST_BYTES + 1))

    assert (not_json.status_code, not_json.json()) == (
        400,
        error("BadRequest", "the body is not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)"),
    )
    assert (wrong_type.status_code, wrong_type.json()) == (
        415,
        error("UnsupportedMediaType", "Content-Type must be application/json (got text/plain)"),
    )
    assert (unknown.status_code, unknown.json()) == (400, error("BadRequest", "unknown query parameter 'when' (it takes now)"))
    assert (huge.status_code, huge.json()) == (413, error("ContentTooLarge", "the body is larger than 1,000,000 bytes, this endpoint's limit"))


def test_a_get_on_calendar_is_405(client):
    """/v1/calendar takes POST only."""
    response = client.get("/v1/calendar")

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


# --- POST /v1/ics ---------------------------------------------------------


def test_ics_is_the_patients_icalendar_file_as_an_attachment(client):
    """POST /v1/ics answers render_ics of the plan, as text/calendar, to be saved as medplan-plan.ics without a booking id."""
    response = post(client, "/v1/ics", EXAMPLE)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="medplan-plan.ics"'
    assert response.headers["cache-control"] == "no-store"
    assert response.text == medplan.render_ics(medplan.plan(EXAMPLE))
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")


@attrs.frozen(kw_only=True)
class IcsFileNameCase:
    """One case of test_ics_file_is_named_by_the_booking_with_only_safe_characters: booking_id, file_name."""

    booking_id: str
    file_name: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            IcsFileNameCase(booking_id="RAD-2026-0412", file_name="medplan-RAD-2026-0412.ics"), id="RAD-2026-0412-medplan-RAD-2026-0412.ics"
        ),
        pytest.param(
            IcsFileNameCase(booking_id='RAD/2026 "0412"', file_name="medplan-RAD-2026-0412.ics"), id='RAD/2026 "0412"-medplan-RAD-2026-0412.ics'
        ),
        pytest.param(IcsFileNameCase(booking_id="../../etc", file_name="medplan-etc.ics"), id="../../etc-medplan-etc.ics"),
        pytest.param(IcsFileNameCase(booking_id="Ünïcode ok", file_name="medplan-n-code-ok.ics"), id="\\xdcn\\xefcode ok-medplan-n-code-ok.ics"),
        pytest.param(IcsFileNameCase(booking_id="...", file_name="medplan-plan.ics"), id="...-medplan-plan.ics"),
    ],
)
def test_ics_file_is_named_by_the_booking_with_only_safe_characters(client, case):
    """The attachment is named medplan-BOOKING_ID.ics, with every character but letters, digits, '.', '_' and '-' made '-', and none at either end."""
    response = post(client, "/v1/ics", EXAMPLE | {"booking_id": case.booking_id})

    assert response.headers["content-disposition"] == f'attachment; filename="{case.file_name}"'


def test_ics_takes_now_from_the_query(client):
    """Query now is the request's now: the file's SEQUENCE and DTSTAMP follow it."""
    response = post(client, "/v1/ics?now=2026-12-01T10:00", EXAMPLE)

    assert response.text == medplan.render_ics(medplan.plan(EXAMPLE, now="2026-12-01T10:00"))
    assert "DTSTAMP:20261201T020000Z" in response.text


def test_ics_of_a_refused_request_is_422(client):
    """A request medplan refuses is 422 naming the field."""
    response = post(client, "/v1/ics", PERTH)

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "procedure.timezone"


def test_ics_without_the_calendar_extra_is_501_naming_it(client, monkeypatch):
    """On a server without icalendar, POST /v1/ics is 501 with a JSON error that names the extra to install; /v1/calendar still works."""
    monkeypatch.setitem(sys.modules, "icalendar", None)

    response = post(client, "/v1/ics", EXAMPLE)
    calendar = post(client, "/v1/calendar", EXAMPLE)

    assert response.status_code == 501
    assert response.headers["content-type"] == "application/json"
    assert response.json() == error(
        "MissingExtraError", "the iCalendar export needs icalendar>=6.1, which is not installed: pip install 'medplan[calendar]'"
    )
    assert calendar.status_code == 200


def test_the_501_is_documented_once_as_missing_extra():
    """The document's 501 response is the shared MissingExtra one, and the Error schema names its type."""
    ics = OPENAPI["paths"]["/v1/ics"]["post"]["responses"]["501"]
    types = OPENAPI["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["type"]["enum"]

    assert ics == {"$ref": "#/components/responses/MissingExtra"}
    assert "MissingExtraError" in types
    assert http.STATUS_TYPES[501] == "MissingExtraError"


@pytest.mark.parametrize("name", ["index.html", "page.js", "page.css", "favicon.svg"])
def test_the_page_ships_in_the_package(name):
    """The page's files are inside the installed package (the wheel carries medplan/static/)."""
    assert (STATIC / name).is_file()


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="only CI must have the browser; elsewhere its tests skip without it")
def test_ci_has_the_browser_so_the_page_tests_run():
    """Under CI, Debian's chromium and chromium-driver are installed (.ci/run installs them), so the browser tests run rather than skip."""
    assert Path("/usr/bin/chromium").is_file()
    assert Path("/usr/bin/chromedriver").exists()


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@attrs.frozen(kw_only=True)
class ColourPairCase:
    """One case of test_text_colours_have_at_least_aa_contrast: foreground, background."""

    foreground: str
    background: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(ColourPairCase(foreground="text", background="background"), id="text-background"),
        pytest.param(ColourPairCase(foreground="text", background="panel"), id="text-panel"),
        pytest.param(ColourPairCase(foreground="text", background="review-bg"), id="text-review-bg"),
        pytest.param(ColourPairCase(foreground="muted", background="background"), id="muted-background"),
        pytest.param(ColourPairCase(foreground="muted", background="panel"), id="muted-panel"),
        pytest.param(ColourPairCase(foreground="link", background="background"), id="link-background"),
        pytest.param(ColourPairCase(foreground="link", background="panel"), id="link-panel"),
        pytest.param(ColourPairCase(foreground="background", background="link"), id="background-link"),
        pytest.param(ColourPairCase(foreground="error", background="background"), id="error-background"),
        pytest.param(ColourPairCase(foreground="error", background="panel"), id="error-panel"),
        pytest.param(ColourPairCase(foreground="review-line", background="review-bg"), id="review-line-review-bg"),
        pytest.param(ColourPairCase(foreground="hold", background="background"), id="hold-background"),
        pytest.param(ColourPairCase(foreground="ok", background="background"), id="ok-background"),
        pytest.param(ColourPairCase(foreground="text", background="taken-bg"), id="text-taken-bg"),
        pytest.param(ColourPairCase(foreground="text", background="held-bg"), id="text-held-bg"),
        pytest.param(ColourPairCase(foreground="text", background="check-bg"), id="text-check-bg"),
    ],
)
def test_text_colours_have_at_least_aa_contrast(case):
    """Each text colour the style sheet puts on a background has a WCAG contrast of at least 4.5:1."""
    css = (STATIC / "page.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6});", css))

    assert contrast(colours[case.foreground], colours[case.background]) >= 4.5


def test_the_page_asks_every_screening_question_and_the_egfr_date(html):
    """Each screening flag a care set may ask, and the eGFR's date, have a control naming their request field."""
    fields = {a.get("data-field") for tag, a in html.elements if tag in {"input", "select"}}

    assert {f"patient.{flag}" for flag in FLAGS} | {"patient.egfr_date"} <= fields


def test_the_medicine_rows_offer_every_indication_and_stent_type():
    """page.js offers each indication the request takes, with the event's date and the stent's type."""
    script = (STATIC / "page.js").read_text(encoding="utf-8")

    for value in [*(i.value for i in Indication), *(s.value for s in StentType)]:
        assert f'["{value}", ' in script
    assert '"data-field": "indication_date"' in script
