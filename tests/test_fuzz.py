"""Nothing dropped, nothing crashes: generated and near-valid requests, through the API and the command line.

A request is drawn whole (any procedure code or tier, any IANA zone, dates out to the
parser's limits, every name the table knows and names it does not, odd Unicode, long
lists, clinic profiles), then, in the near-valid tests, broken in one place: a field
deleted, given the wrong type, or given an arbitrary JSON value. Whatever comes in:

- the answer is a plan or an :class:`medplan.InputError`, never another exception;
- every medicine in the request is in the plan exactly once, in the order given;
- a medicine is ``continue`` only where a table row says so;
- the command line exits 0 or 2 with at most one line on standard error, never a traceback.
"""

from __future__ import annotations

import contextlib
import copy
import json
import zoneinfo
from datetime import datetime

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from strategies import VALID

import medplan
from medplan import Action, BleedingRisk, cli
from medplan.tables.drug_classes import Group
from medplan.tables.procedures import default_catalogue

TABLE = medplan.default_table()
CODES = sorted(default_catalogue().procedures)
NAMES = sorted(set(TABLE.names))
ZONES = sorted(zoneinfo.available_timezones())
PROFILES = sorted(medplan.default_profiles().names)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
# Any printable Unicode (combining marks, right-to-left scripts, emoji, other spaces) and,
# rarely, control characters, which the parser refuses.
odd_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
) | st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=5)
local_times = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2199, 12, 30)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M")
)
clock = st.times().map(lambda t: t.strftime("%H:%M"))
# Names a booking system sends: mostly ordinary, now and then anything at all.
READABLE = ["Lumbar TFESI", "Ponction lombaire écho-guidée", "腰椎神経根ブロック", "Biopsy 🩺", "O'Brien-Smith, L5/S1"]


def some_text(draw: st.DrawFn) -> str:
    return draw(odd_text) if draw(st.integers(0, 4)) == 0 else draw(st.sampled_from(READABLE))


@st.composite
def medications(draw: st.DrawFn) -> dict:
    medication = {"name": draw(odd_text) if draw(st.integers(0, 12)) == 0 else draw(st.sampled_from(NAMES))}
    if draw(st.booleans()):
        medication["times"] = draw(st.lists(clock, min_size=1, max_size=4, unique=True))
    if draw(st.integers(0, 5)) == 0:
        medication["days"] = draw(st.lists(st.sampled_from(
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]), min_size=1, max_size=3, unique=True))
    for key, values in (("regimen", ["prophylactic", "therapeutic", "daily", "weekly"]),
                        ("route", ["oral", "iv", "sc"]),
                        ("indication", ["primary-prevention", "secondary-prevention"])):
        if draw(st.integers(0, 4)) == 0:
            medication[key] = draw(st.sampled_from(values))
    return medication


@st.composite
def requests(draw: st.DrawFn) -> dict:  # noqa: C901 - one draw per optional field
    procedure = {"name": some_text(draw), "start": draw(local_times), "timezone": draw(st.sampled_from(ZONES))}
    if draw(st.booleans()):
        procedure["code"] = draw(st.sampled_from(CODES))
    if "code" not in procedure or draw(st.booleans()):
        procedure["bleeding_risk"] = draw(st.sampled_from(["low", "intermediate", "high"]))
    if draw(st.booleans()):
        procedure["guideline"] = draw(st.sampled_from(sorted(TABLE.guidelines)))
    for flag in ("fasting", "sedation", "contrast"):
        if draw(st.booleans()):
            procedure[flag] = draw(st.booleans())
    body = {"procedure": procedure, "medications": draw(st.lists(medications(), max_size=12))}
    patient = {}
    if draw(st.booleans()):
        patient["crcl_ml_min"] = draw(st.floats(0, 500))
    if draw(st.booleans()):
        patient["egfr"] = draw(st.floats(0, 200))
    if draw(st.booleans()):
        patient["weight_kg"] = draw(st.floats(20, 350))
    if patient:
        body["patient"] = patient
    if draw(st.booleans()):
        body["policy"] = {"profile": draw(st.sampled_from(PROFILES))}
    if draw(st.booleans()):
        body["now"] = draw(local_times)
    return body


def paths(value, prefix=()):
    """Every path into a JSON value, the value itself included."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


@st.composite
def near_valid(draw: st.DrawFn) -> object:
    """A valid-looking request broken in one place: deleted, retyped, or replaced by any JSON."""
    body = draw(requests())
    path = draw(st.sampled_from(list(paths(body))))
    if not path:
        return draw(json_values)
    broken = copy.deepcopy(body)
    parent = broken
    for key in path[:-1]:
        parent = parent[key]
    how = draw(st.sampled_from(["delete", "retype", "replace"]))
    if how == "delete":
        del parent[path[-1]]
    elif how == "retype":
        old = parent[path[-1]]
        parent[path[-1]] = [old] if not isinstance(old, list) else {"x": old}
    else:
        parent[path[-1]] = draw(json_values)
    return broken


def check_plan(request: object) -> medplan.Plan | None:
    """Plan it; an InputError is an answer. Then the plan keeps every medicine, in order, and continues only by a row."""
    try:
        plan = medplan.plan(request)  # type: ignore[arg-type]
    except medplan.InputError as error:
        event(f"refused: {error.field.split('[')[0]}")
        return None
    event("planned")
    given_names = [m["name"].strip() for m in request["medications"]]  # type: ignore[index]
    assert [m.input for m in plan.medications] == given_names
    for medication in plan.medications:
        if medication.action is Action.CONTINUE:
            assert continued_by_a_row(plan, medication), medication
    return plan


def continued_by_a_row(plan: medplan.Plan, medication: medplan.MedicationPlan) -> bool:
    rules = [r for r in TABLE.rules if r.rule_id == medication.rule_id]
    if len(rules) != 1:
        return False
    (rule,) = rules
    if rule.tier(plan.procedure.bleeding_risk).action is Action.CONTINUE:
        return True
    if rule.condition is not None and plan.procedure.involves(rule.condition) is False:
        return True  # the row applies only with fasting, sedation or contrast, which this procedure lacks
    # The clinic policy continues aspirin before an intermediate-risk procedure where the row asks for review.
    return (plan.policy.aspirin_before_intermediate == "continue" and rule.group is Group.ASPIRIN
            and plan.procedure.bleeding_risk is BleedingRisk.INTERMEDIATE)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(request=requests())
def test_generated_requests_give_a_plan_or_an_input_error(request):
    """Any request of the right shape is planned or refused with a named field; nothing is dropped."""
    check_plan(request)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(request=near_valid())
@example(request={**VALID, "medications": [{"name": "warfarin\u202e"}]})
@example(request={**VALID, "medications": [{"name": "w" * 10_000}]})
@example(request={**VALID, "medications": [{"name": "aspirin", "times": ["08:00"]}] * 200})
@example(request={**VALID, "medications": [{"name": "aspirin"}] * 201})
@example(request={**VALID, "procedure": {**VALID["procedure"], "start": "9999-12-31T23:59"}})
@example(request={**VALID, "procedure": {**VALID["procedure"], "start": "0001-01-01T00:00"}})
def test_near_valid_requests_give_a_plan_or_an_input_error(request):
    """A valid request broken in one place is planned or refused, never a crash; nothing is dropped."""
    if isinstance(request, dict) and isinstance(request.get("medications"), list) and all(
        isinstance(m, dict) and isinstance(m.get("name"), str) for m in request["medications"]
    ):
        check_plan(request)
    else:
        with contextlib.suppress(medplan.InputError):
            medplan.plan(request)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], deadline=None,
          max_examples=50)
@given(request=near_valid())
def test_the_command_line_exits_0_or_2_without_a_traceback(request, workdir, capsys):
    """Through the command line the same requests give a plan (exit 0) or one error line (exit 2)."""
    path = workdir / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")

    status = cli.main(["plan", str(path), "--format", "json"])
    out, err = capsys.readouterr()

    assert status in {0, 2}, err
    assert "Traceback" not in err
    if status == 0:
        assert (err, json.loads(out)["schema_version"]) == ("", 1)
    else:
        assert (out, err.count("\n")) == ("", 1)
        assert err.startswith("InputError: ")
