"""The JSON Schemas: valid draft 2020-12, shipped in the package, and in step with the parser and the planner.

The request schema must never be stricter than the parser: every request the parser accepts
validates. The plan schema must describe every plan: each plan validates against a closed copy
of it (every object refusing fields the schema does not list), so a field the plan emits and
the schema lacks fails here, while the published schema stays open to fields a later version adds.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from strategies import VALID, requests

import medplan
from medplan.model import (
    WEEKDAY_NAMES,
    Action,
    BleedingRisk,
    Bridging,
    Indication,
    Regimen,
    Route,
    ThromboticRisk,
)
from medplan.tables.bridging_doses import AGENTS, REGIMENS
from medplan.tables.care import FLAGS, CareKind
from medplan.tables.drug_classes import Evidence
from medplan.tables.thrombotic_risk import REASONS

PACKAGE = resources.files("medplan")
EXAMPLES = sorted(
    entry.name for entry in (PACKAGE / "examples").iterdir() if entry.name.endswith(".json")
)
REQUEST = medplan.schema("request")
PLAN = medplan.schema("plan")


def closed(schema: Any) -> Any:
    """A copy of ``schema`` in which every object that lists its properties refuses any other."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: closed(value) for key, value in schema.items()}
    if "properties" in result and "additionalProperties" not in result:
        result["additionalProperties"] = False
    return result


# The plan schema refers to the request schema by its $id. The registry holds it and has no
# retrieve function, so a reference outside the two schemas fails instead of being fetched.
REGISTRY = Registry().with_resource(REQUEST["$id"], Resource.from_contents(REQUEST))
REQUEST_VALIDATOR = Draft202012Validator(REQUEST, registry=REGISTRY)
PLAN_VALIDATOR = Draft202012Validator(PLAN, registry=REGISTRY)
CLOSED_PLAN_VALIDATOR = Draft202012Validator(closed(PLAN), registry=REGISTRY)


def problems(validator: Draft202012Validator, instance: object) -> list[str]:
    """Each validation error as 'path: message', for an assertion that shows what failed."""
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def pointer(schema: Any, path: str) -> Any:
    """The part of a schema at a JSON pointer (/$defs/policy/properties)."""
    for key in path.strip("/").split("/"):
        schema = schema[int(key)] if isinstance(schema, list) else schema[key]
    return schema


def example_request(name: str) -> dict[str, Any]:
    return json.loads((PACKAGE / "examples" / name).read_text(encoding="utf-8"))


def accepted(request: object) -> medplan.Plan | None:
    """The plan of ``request``, or None when the parser refuses it."""
    try:
        return medplan.plan(request)  # type: ignore[arg-type]
    except medplan.InputError:
        return None


# --- the schema files ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["request", "plan"])
def test_the_schema_is_valid_draft_2020_12(name):
    """Each schema is itself valid against the draft 2020-12 metaschema."""
    schema = medplan.schema(name)

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", ["request", "plan"])
def test_the_schema_id_names_the_schema_version(name):
    """Each schema's $id ends in medplan.SCHEMA_VERSION, the version its schema_version field carries."""
    schema = medplan.schema(name)

    assert schema["$id"] == f"https://medplan.invalid/schemas/{name}/{medplan.SCHEMA_VERSION}"


def test_the_plan_requires_schema_version_and_the_request_may_leave_it_out():
    """A plan always says schema_version 1; a request may give 1 or leave it out."""
    assert PLAN["properties"]["schema_version"] == {
        "description": PLAN["properties"]["schema_version"]["description"],
        "const": medplan.SCHEMA_VERSION,
    }
    assert "schema_version" in PLAN["required"]
    assert REQUEST["properties"]["schema_version"]["enum"] == [medplan.SCHEMA_VERSION, None]
    assert "schema_version" not in REQUEST["required"]


@pytest.mark.parametrize("name", ["request", "plan"])
def test_the_schema_ships_in_the_package(name):
    """The installed package carries each schema file, and medplan.schema gives its contents."""
    resource = PACKAGE / "schemas" / f"{name}.schema.json"

    assert resource.is_file()
    assert json.loads(resource.read_text(encoding="utf-8")) == medplan.schema(name)


def references(schema: Any) -> list[str]:
    """Every $ref in a schema."""
    if isinstance(schema, list):
        return [ref for item in schema for ref in references(item)]
    if not isinstance(schema, dict):
        return []
    own = [schema["$ref"]] if isinstance(schema.get("$ref"), str) else []
    return own + [ref for value in schema.values() for ref in references(value)]


@pytest.mark.parametrize("name", ["request", "plan"])
def test_no_reference_leads_outside_the_two_schemas(name):
    """Every $ref is to the schema's own definitions or to the request schema's $id, so nothing is ever fetched."""
    schema = medplan.schema(name)
    outside = {ref for ref in references(schema) if not ref.startswith("#/$defs/")}

    assert outside == ({REQUEST["$id"]} if name == "plan" else set())
    assert all(pointer(schema, ref[1:]) for ref in references(schema) if ref.startswith("#"))


def test_each_call_gives_a_new_schema():
    """Changing a schema medplan.schema returned does not change the next one."""
    first = medplan.schema("plan")
    first["properties"].clear()

    assert medplan.schema("plan")["properties"]


def test_an_unknown_schema_name_is_refused():
    """Asking for a schema medplan does not have is a ValueError naming the two it has."""
    with pytest.raises(ValueError, match=r"^no schema named 'drug' \(expected request or plan\)$"):
        medplan.schema("drug")  # type: ignore[arg-type]


# The schemas' enums for values fixed in code, beside the code's own list: a new value in one
# shows up here. Lookups into data files (procedure codes, guidelines, profiles, zones) are
# patterns, not enums, since a clinic's data may add values without changing the contract.
@attrs.frozen(kw_only=True)
class EnumCase:
    """One case of test_an_enum_lists_the_codes_values_in_order: schema, path, values."""

    schema: object
    path: str
    values: object


ENUMS = [
    EnumCase(schema=REQUEST, path="/$defs/procedure/properties/bleeding_risk/enum", values=[*BleedingRisk, None]),
    EnumCase(schema=REQUEST, path="/$defs/medication/properties/regimen/enum", values=[*Regimen, None]),
    EnumCase(schema=REQUEST, path="/$defs/medication/properties/route/enum", values=[*Route, None]),
    EnumCase(schema=REQUEST, path="/$defs/medication/properties/indication/enum", values=[*Indication, None]),
    EnumCase(schema=REQUEST, path="/$defs/policy/properties/lab_weekdays/anyOf/0/items/enum", values=list(WEEKDAY_NAMES)),
    EnumCase(schema=REQUEST, path="/$defs/policy/properties/bridging_agent/enum", values=[*AGENTS, None]),
    EnumCase(schema=REQUEST, path="/$defs/policy/properties/bridging_regimen/enum", values=[*REGIMENS, None]),
    EnumCase(schema=PLAN, path="/$defs/medication/properties/action/enum", values=list(Action)),
    EnumCase(schema=PLAN, path="/$defs/divergence/properties/action/enum", values=list(Action)),
    EnumCase(schema=PLAN, path="/$defs/procedure/properties/bleeding_risk/enum", values=list(BleedingRisk)),
    EnumCase(schema=PLAN, path="/$defs/screening/properties/flag/enum", values=list(FLAGS)),
    EnumCase(schema=PLAN, path="/$defs/screening/properties/kind/enum", values=[CareKind.ABSOLUTE, CareKind.RELATIVE]),
    EnumCase(schema=PLAN, path="/$defs/care/properties/kind/enum", values=[CareKind.BEFORE, CareKind.AFTER]),
    EnumCase(schema=PLAN, path="/$defs/criterion/properties/reason/enum", values=list(REASONS)),
    EnumCase(schema=PLAN, path="/$defs/criterion/properties/risk/enum", values=list(ThromboticRisk)),
    EnumCase(schema=PLAN, path="/$defs/criterion/properties/bridging/enum", values=list(Bridging)),
    EnumCase(schema=PLAN, path="/$defs/criterion/properties/evidence/enum", values=list(Evidence)),
    EnumCase(schema=PLAN, path="/$defs/anticoagulation/properties/thrombotic_risk/enum", values=[*ThromboticRisk, None]),
    EnumCase(schema=PLAN, path="/$defs/anticoagulation/properties/bridging/enum", values=list(Bridging)),
    EnumCase(schema=PLAN, path="/$defs/dose/properties/drug/enum", values=list(AGENTS)),
    EnumCase(schema=PLAN, path="/$defs/dose/properties/regimen/enum", values=list(REGIMENS)),
    EnumCase(schema=PLAN, path="/$defs/policy/properties/lab_weekdays/items/enum", values=list(WEEKDAY_NAMES)),
]


@pytest.mark.parametrize("case", ENUMS, ids=[f"{c.schema['title']}{c.path}" for c in ENUMS])
def test_an_enum_lists_the_codes_values_in_order(case):
    """Each enum of a schema lists exactly the values medplan's code has for it, in the same order."""
    assert pointer(case.schema, case.path) == case.values


REASON_DEFS = dict(zip(REASONS, ["atrialFibrillation", "mechanicalHeartValve", "venousThromboembolism"], strict=True))
# A field the parser does not know, put in one place of a request (its error lists the fields
# it knows there), and the schema's properties for that place. For a reason given, the field is
# one of another reason's, and the parser lists the reason's own fields (without reason itself).
FIELD_LISTS = [
    ("request", (), None, "not_a_field", ["/properties"]),
    ("procedure", ("procedure",), None, "not_a_field", ["/$defs/procedure/properties"]),
    ("patient", ("patient",), None, "not_a_field", ["/$defs/patient/properties"]),
    ("medication", ("medications", 0), None, "not_a_field", ["/$defs/medication/properties"]),
    ("policy", ("policy",), None, "not_a_field", ["/$defs/policy/properties"]),
    ("any-reason", ("patient", "anticoagulation", 0), None, "not_a_field", [f"/$defs/{ref}/properties" for ref in REASON_DEFS.values()]),
    *[
        (reason, ("patient", "anticoagulation", 0), reason, "cha2ds2_vasc" if reason == REASONS[-1] else "vte", [f"/$defs/{ref}/properties"])
        for reason, ref in REASON_DEFS.items()
    ],
]


@pytest.mark.parametrize(("where", "reason", "key", "paths"), [pytest.param(*r[1:], id=r[0]) for r in FIELD_LISTS])
def test_the_request_schema_lists_every_field_the_parser_knows(where, reason, key, paths):
    """At each place, the schema's properties are exactly the fields the parser's error says it knows."""
    request = copy.deepcopy(VALID)
    request["policy"] = {}
    if "anticoagulation" in where:
        request["patient"]["anticoagulation"] = [{} if reason is None else {"reason": reason}]
    target: Any = request
    for step in where:
        target = target[step]
    target[key] = None

    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(request)

    known = excinfo.value.problem.split("expected one of ")[1].removesuffix(")").split(", ")
    listed = {name for path in paths for name in pointer(REQUEST, path)} - ({"reason"} if reason else set())
    assert excinfo.value.field.endswith(key)
    assert sorted(listed) == sorted(known)


# --- the bundled examples ------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_bundled_example_validates_against_the_request_schema(name):
    """Each example request in medplan/examples is a valid request by the schema."""
    assert problems(REQUEST_VALIDATOR, example_request(name)) == []


@pytest.mark.parametrize("now", [None, "2026-11-20T10:00"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_bundled_examples_plan_validates_against_the_plan_schema(name, now):
    """Each example's plan, without a now and with one (so booking is filled in), is a valid plan."""
    request = {key: value for key, value in example_request(name).items() if key != "now"}
    data = medplan.plan(request, now=now).to_dict()

    assert (data["booking"] is None) == (now is None)
    assert problems(CLOSED_PLAN_VALIDATOR, data) == []
    assert problems(PLAN_VALIDATOR, data) == []


def test_the_published_plan_schema_is_open_to_fields_a_later_version_adds():
    """A plan with a field this version does not have still validates; only the tests' closed copy refuses it."""
    data = medplan.plan(example_request("nerve-root-sleeve-injection.json")).to_dict()
    data["a_later_field"] = 1
    data["medications"][0]["a_later_field"] = 1

    assert problems(PLAN_VALIDATOR, data) == []
    assert len(problems(CLOSED_PLAN_VALIDATOR, data)) == 2


def test_a_plan_made_without_medplan_plan_has_no_request_and_validates():
    """make_plan, given a parsed request, gives a plan whose request is null, which the schema allows."""
    table = medplan.default_table()
    parsed = medplan.parse_request(example_request("liver-biopsy-diabetes.json"), table.guidelines)
    data = medplan.make_plan(parsed, table, medplan_version=medplan.__version__).to_dict()

    assert data["request"] is None
    assert problems(CLOSED_PLAN_VALIDATOR, data) == []


# --- properties ----------------------------------------------------------------------------------


@settings(deadline=None)
@given(request=requests())
def test_every_request_the_parser_accepts_validates_against_the_request_schema(request):
    """The request schema is never stricter than the parser."""
    if accepted(request) is None:
        return
    assert problems(REQUEST_VALIDATOR, request) == []


@settings(deadline=None)
@given(request=requests())
def test_every_plan_validates_against_the_plan_schema(request):
    """Every plan the planner makes validates, field by field, against the plan schema's closed copy."""
    plan = accepted(request)
    if plan is None:
        return
    assert problems(CLOSED_PLAN_VALIDATOR, plan.to_dict()) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3),
    max_leaves=8,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a decoded JSON value: each key of an object and each item of a list."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


@settings(deadline=None)
@given(data=st.data(), request=requests())
def test_a_request_with_any_value_in_one_place_validates_whenever_the_parser_accepts_it(data, request):
    """Replacing or removing any one value of a request never gives one the parser accepts and the schema refuses."""
    where = paths(request)
    place = data.draw(st.sampled_from(where))
    changed = copy.deepcopy(request)
    parent = changed
    for key in place[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and data.draw(st.booleans()):
        del parent[place[-1]]
    else:
        parent[place[-1]] = data.draw(json_values)

    if accepted(changed) is None:
        return
    assert problems(REQUEST_VALIDATOR, changed) == []


# --- both refuse, both accept --------------------------------------------------------------------


def changed(path: tuple[Any, ...], value: object) -> dict[str, Any]:
    """A copy of a valid request with one value set (or removed, for the value DELETE)."""
    request = copy.deepcopy(VALID)
    request["patient"]["weight_kg"] = 74
    request["policy"] = {}
    parent: Any = request
    for key in path[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return request


DELETE = object()

REFUSED = [
    ("unknown-field", ("procdure",), {"name": "x"}, "procdure"),
    ("unknown-procedure-field", ("procedure", "risk"), "high", "procedure.risk"),
    ("unknown-medication-field", ("medications", 0, "frequency"), "daily", "medications[0].frequency"),
    ("unknown-policy-field", ("policy", "inr"), 1.4, "policy.inr"),
    (
        "field-of-another-reason",
        ("patient", "anticoagulation"),
        [{"reason": "atrial-fibrillation", "valve_position": "mitral"}],
        "patient.anticoagulation[0].valve_position",
    ),
    ("bad-bleeding-risk", ("procedure", "bleeding_risk"), "medium", "procedure.bleeding_risk"),
    ("bleeding-risk-in-capitals", ("procedure", "bleeding_risk"), "High", "procedure.bleeding_risk"),
    ("bad-route", ("medications", 0, "route"), "im", "medications[0].route"),
    ("bad-regimen", ("medications", 0, "regimen"), "monthly", "medications[0].regimen"),
    ("bad-aspirin-choice", ("policy", "aspirin_before_intermediate"), "review", "policy.aspirin_before_intermediate"),
    ("bad-lab-weekday", ("policy", "lab_weekdays"), ["Monday"], "policy.lab_weekdays"),
    ("time-without-leading-zero", ("medications", 0, "times"), ["8:00"], "medications[0].times[0]"),
    ("time-24-00", ("medications", 0, "times"), ["24:00"], "medications[0].times[0]"),
    ("time-with-seconds", ("medications", 0, "times"), ["08:00:00"], "medications[0].times[0]"),
    ("time-given-twice", ("medications", 0, "times"), ["08:00", "08:00"], "medications[0].times[1]"),
    ("start-with-offset", ("procedure", "start"), "2026-12-08T09:30+08:00", "procedure.start"),
    ("start-with-space", ("procedure", "start"), "2026-12-08 09:30", "procedure.start"),
    ("start-date-only", ("procedure", "start"), "2026-12-08", "procedure.start"),
    ("start-in-year-2200", ("procedure", "start"), "2200-01-06T09:30", "procedure.start"),
    ("start-missing", ("procedure", "start"), DELETE, "procedure.start"),
    ("medications-missing", ("medications",), DELETE, "medications"),
    ("name-without-code-missing", ("procedure", "name"), DELETE, "procedure.name"),
    ("empty-name", ("medications", 0, "name"), "   ", "medications[0].name"),
    ("name-201-characters", ("medications", 0, "name"), "x" * 201, "medications[0].name"),
    ("name-with-control-character", ("medications", 0, "name"), "war\x00farin", "medications[0].name"),
    ("crcl-above-500", ("patient", "crcl_ml_min"), 501, "patient.crcl_ml_min"),
    ("crcl-as-text", ("patient", "crcl_ml_min"), "62", "patient.crcl_ml_min"),
    ("weight-below-20", ("patient", "weight_kg"), 19.5, "patient.weight_kg"),
    ("flag-as-text", ("patient", "diabetes"), "yes", "patient.diabetes"),
    ("inr-max-above-3", ("policy", "inr_max"), 3.5, "policy.inr_max"),
    ("inr-check-day-1", ("policy", "inr_check_day"), 1, "policy.inr_check_day"),
    (
        "cha2ds2-vasc-10",
        ("patient", "anticoagulation"),
        [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 10}],
        "patient.anticoagulation[0].cha2ds2_vasc",
    ),
    ("vte-none", ("patient", "anticoagulation"), [{"reason": "venous-thromboembolism", "vte": "none"}], "patient.anticoagulation[0].vte"),
    (
        "reason-given-twice",
        ("patient", "anticoagulation"),
        [{"reason": "atrial-fibrillation"}, {"reason": " atrial-fibrillation"}],
        "patient.anticoagulation[1].reason",
    ),
    ("schema-version-2", ("schema_version",), 2, "schema_version"),
    ("schema-version-true", ("schema_version",), True, "schema_version"),
    ("now-lower-case-z", ("now",), "2026-11-20T10:00z", "now"),
    ("name-with-profile", ("policy",), {"profile": "sir-2019-spine-high", "name": "mine"}, "policy.name"),
    ("subdivision-without-country", ("policy",), {"lab_subdivision": "ENG"}, "policy.lab_subdivision"),
    ("one-time-twice-daily", ("policy",), {"bridging_times": ["08:00"]}, "policy.bridging_times"),
    ("no-weekdays", ("medications", 0, "days"), [], "medications[0].days"),
    ("201-medicines", ("medications",), [{"name": "aspirin"}] * 201, "medications"),
]


@pytest.mark.parametrize(("path", "value", "field"), [pytest.param(*r[1:], id=r[0]) for r in REFUSED])
def test_the_schema_refuses_what_the_parser_refuses(path, value, field):
    """A request the parser refuses for one of these reasons is also invalid by the schema."""
    request = changed(path, value)

    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(request)

    assert excinfo.value.field == field
    assert problems(REQUEST_VALIDATOR, request) != []


LENIENT = [
    ("null-optional-fields", ("patient",), {"crcl_ml_min": None, "diabetes": None, "anticoagulation": None}),
    ("null-policy", ("policy",), None),
    ("schema-version-1", ("schema_version",), 1),
    ("code-with-white-space", ("procedure",), {"code": " tfesi-lumbar\t", "start": "2026-12-08T09:30", "timezone": "Australia/Perth"}),
    ("start-with-seconds", ("procedure", "start"), "2026-12-08T09:30:15"),
    ("zone-with-white-space", ("procedure", "timezone"), " Australia/Perth "),
    ("weekday-in-capitals-with-space", ("medications", 0, "days"), [" Sunday", "MONDAY "]),
    ("weekday-with-long-s", ("medications", 0, "days"), ["\u017funday"]),
    ("name-200-characters-padded", ("medications", 0, "name"), "  " + "x" * 200 + "\n"),
    ("now-with-z", ("now",), "2026-11-20T02:00Z"),
    ("now-with-basic-offset", ("now",), "2026-11-20T10:00+0800"),
    ("now-local", ("now",), "2026-11-20T10:00"),
    ("reason-with-white-space", ("patient", "anticoagulation"), [{"reason": " atrial-fibrillation ", "stroke_or_tia": "none"}]),
    ("profile-with-subdivision", ("policy",), {"profile": "sir-2019-spine-high", "lab_country": "GB", "lab_subdivision": "ENG"}),
    ("once-daily-one-time", ("policy",), {"bridging_regimen": "once-daily", "bridging_times": ["09:00"]}),
]


@pytest.mark.parametrize(("path", "value"), [pytest.param(*r[1:], id=r[0]) for r in LENIENT])
def test_the_schema_accepts_what_the_parser_is_lenient_about(path, value):
    """Null for a field left out, white space around text, seconds, weekdays in any case: the parser takes them, so the schema does."""
    request = changed(path, value)

    assert accepted(request) is not None
    assert problems(REQUEST_VALIDATOR, request) == []
