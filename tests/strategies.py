"""Hypothesis strategies for medplan's inputs, aimed at the edges that matter.

Random draws rarely land on a daylight-saving change, so ``transition_days``
draws days next to the real transitions of a zone. ``requests`` draws whole
requests from the bundled table, catalogue and profiles, for properties over
every field (the JSON Schema tests).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

import medplan
from medplan.tables.care import FLAGS
from medplan.tables.procedures import default_catalogue
from medplan.tables.thrombotic_risk import REASONS

# Zones pinned in both hemispheres, a 30-minute DST (Lord Howe), a 45-minute
# offset (Chatham), none at all (Perth), and a midnight transition (Havana).
PINNED_ZONES = (
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Australia/Perth",
    "America/Havana",
    "UTC",
)

# A small valid request that tests copy and then break one field of.
VALID: dict[str, Any] = {
    "procedure": {
        "name": "Lumbar nerve root sleeve injection",
        "start": "2026-12-08T09:30",
        "timezone": "Australia/Perth",
        "bleeding_risk": "intermediate",
    },
    "patient": {"crcl_ml_min": 62},
    "medications": [{"name": "Warfarin", "times": ["18:00"], "dose": "5 mg"}],
}

zones = st.one_of(
    st.sampled_from(PINNED_ZONES),
    st.timezone_keys(allow_prefix=False),
).map(ZoneInfo)

usual_times = st.lists(
    st.times().map(lambda t: time(t.hour, t.minute)), min_size=1, max_size=4, unique=True
).map(lambda ts: tuple(sorted(ts)))

procedure_days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
clock_times = st.times().map(lambda t: time(t.hour, t.minute))


def transitions(zone: ZoneInfo, year: int) -> list[date]:
    """The local dates on which ``zone`` changed its UTC offset in ``year``."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        moment += timedelta(hours=1)
        local = moment.astimezone(zone)
        if local.utcoffset() != offset:
            found.append(local.date())
            offset = local.utcoffset()
    return found


@st.composite
def near_transition(draw: st.DrawFn, zone_keys: tuple[str, ...] = PINNED_ZONES[:5]) -> tuple[ZoneInfo, date]:
    """A zone and a day within a fortnight of one of its DST changes."""
    zone = ZoneInfo(draw(st.sampled_from(zone_keys)))
    year = draw(st.integers(2024, 2030))
    days = transitions(zone, year)
    pivot = draw(st.sampled_from(days))
    return zone, pivot + timedelta(days=draw(st.integers(-14, 14)))


# --- whole requests ------------------------------------------------------------------------------
# Built from the bundled data, so that most draws are requests the parser accepts, with every
# optional field sometimes left out, sometimes null; text sometimes padded with the white space
# the parser strips, weekdays in any case, and unknown medicines and odd text beside known ones.

_TABLE = medplan.default_table()
_CODES = sorted(default_catalogue().procedures)
_PROFILES = medplan.default_profiles().names
_NAMES = sorted(_TABLE.names)
# Medicines whose plans carry the most: the warfarin pathway, DOAC renal bands, heparin regimens
# and routes, GLP-1 weekly days, aspirin's indication, metformin's contrast rule.
_FEATURED = ("warfarin", "Coumadin", "acenocoumarol", "phenprocoumon", "apixaban", "Xarelto",
             "dabigatran", "enoxaparin", "heparin", "Ozempic", "aspirin", "metformin", "clopidogrel")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_REGIONS = (("GB", "ENG"), ("GB", None), ("AU", "WA"), ("US", None), ("DE", "BY"))
# White space the parser strips, among it the control characters str.isspace counts (\x1c, \x85).
_PADDING = st.sampled_from(["", "", "", " ", "\t", "\u00a0", "\n ", "\x1c", "\x85"])

_PLAIN = st.characters(codec="utf-8", exclude_categories=("Cc",))
# Text the parser mostly takes: any character but a control one, up to the 200 allowed.
texts = st.one_of(
    st.text(_PLAIN, min_size=1, max_size=20),
    st.text(_PLAIN, min_size=1, max_size=20),
    st.text(_PLAIN, min_size=190, max_size=200),
)


def _padded(draw: st.DrawFn, text: str) -> str:
    return draw(_PADDING) + text + draw(_PADDING)


def _put(draw: st.DrawFn, body: dict[str, Any], key: str, value: st.SearchStrategy[Any]) -> None:
    """Give ``key`` a drawn value, or null, or leave it out."""
    choice = draw(st.sampled_from(["value", "value", "null", "out"]))
    if choice == "value":
        body[key] = draw(value)
    elif choice == "null":
        body[key] = None


def _local(moment: datetime, *, seconds: bool = False) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M")


@st.composite
def _procedure(draw: st.DrawFn, start: datetime, zone: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "start": _padded(draw, _local(start, seconds=draw(st.booleans()))),
        "timezone": _padded(draw, zone),
    }
    risks = st.sampled_from(["low", "intermediate", "high"])
    if draw(st.booleans()):
        # tfesi-lumbar carries the seed's screening and aftercare
        body["code"] = _padded(draw, draw(st.just("tfesi-lumbar") | st.sampled_from(_CODES)))
        _put(draw, body, "name", texts)
        _put(draw, body, "bleeding_risk", risks)
    else:
        body["name"] = draw(texts)
        body["bleeding_risk"] = draw(risks)
    _put(draw, body, "guideline", st.sampled_from(sorted(_TABLE.guidelines)))
    _put(draw, body, "end", st.integers(1, 24 * 60).map(lambda m: _local(start + timedelta(minutes=m))))
    for flag in ("fasting", "sedation", "contrast"):
        _put(draw, body, flag, st.booleans())
    return body


def _features(day0: date) -> dict[str, dict[str, st.SearchStrategy[Any]]]:
    """Each anticoagulation reason's fields, with values the parser takes."""
    event = st.integers(0, 3650).map(lambda n: (day0 - timedelta(days=n)).isoformat())
    return {
        "atrial-fibrillation": {
            "cha2ds2_vasc": st.integers(0, 9),
            "stroke_or_tia": event | st.just("none"),
            "rheumatic_valve_disease": st.booleans(),
        },
        "mechanical-heart-valve": {
            "valve_position": st.sampled_from(["mitral", "aortic"]),
            "valve_type": st.sampled_from(["bileaflet", "caged-ball", "tilting-disc"]),
            "valve_risk_factors": st.booleans(),
            "stroke_or_tia": event | st.just("none"),
        },
        "venous-thromboembolism": {
            "vte": event,
            "recurrent_vte": st.booleans(),
            "active_cancer": st.booleans(),
            "thrombophilia": st.sampled_from(["none", "non-severe", "severe"]),
        },
    }


@st.composite
def _reason(draw: st.DrawFn, reason: str, day0: date) -> dict[str, Any]:
    body: dict[str, Any] = {"reason": _padded(draw, reason)}
    for key, value in _features(day0)[reason].items():
        _put(draw, body, key, value)
    return body


@st.composite
def _patient(draw: st.DrawFn, day0: date) -> dict[str, Any]:
    body: dict[str, Any] = {}
    body["crcl_ml_min"] = draw(st.integers(0, 500) | st.floats(0, 500) | st.none())
    _put(draw, body, "egfr", st.integers(0, 500) | st.floats(0, 500))
    body["weight_kg"] = draw(st.integers(20, 350) | st.floats(20, 350) | st.none())
    _put(draw, body, "hba1c_percent", st.floats(3, 25))
    for flag in ("takes_pain_relief", *FLAGS):
        _put(draw, body, flag, st.booleans())
    reasons = draw(st.permutations(REASONS).flatmap(lambda r: st.integers(0, 3).map(lambda n: r[:n])))
    body["anticoagulation"] = [draw(_reason(reason, day0)) for reason in reasons]
    return body


@st.composite
def _days(draw: st.DrawFn) -> list[str]:
    """Weekdays as a booking system may write them: any case, with white space around."""
    days = draw(st.lists(st.sampled_from(_WEEKDAYS), min_size=1, max_size=3, unique=True))
    return [_padded(draw, draw(st.sampled_from([day, day.upper(), day.title()]))) for day in days]


@st.composite
def _medication(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": draw(st.sampled_from(_FEATURED) | st.sampled_from(_NAMES) | texts),
    }
    _put(draw, body, "times", usual_times.map(lambda ts: [f"{t:%H:%M}" for t in ts]))
    _put(draw, body, "days", _days())
    _put(draw, body, "dose", texts)
    _put(draw, body, "regimen", st.sampled_from(["prophylactic", "therapeutic", "daily", "weekly"]))
    _put(draw, body, "route", st.sampled_from(["oral", "iv", "sc"]))
    _put(draw, body, "indication", st.sampled_from(["primary-prevention", "secondary-prevention"]))
    return body


@st.composite
def _policy(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if draw(st.booleans()):
        body["profile"] = _padded(draw, draw(st.sampled_from(_PROFILES)))
    else:
        _put(draw, body, "name", texts)
    _put(draw, body, "inr_max", st.floats(1, 3))
    _put(draw, body, "inr_check_day", st.sampled_from([-1, 0]))
    _put(draw, body, "antiplatelet_hold_days", st.integers(0, 30))
    _put(draw, body, "anticoagulant_resume_next_day", st.booleans())
    _put(draw, body, "aspirin_before_intermediate", st.sampled_from(["continue", "hold", "table"]))
    _put(draw, body, "variants", st.dictionaries(
        st.sampled_from(sorted(_TABLE.variants)), st.sampled_from([v for vs in _TABLE.variants.values() for v in vs])))
    _put(draw, body, "bleeding_risk", st.dictionaries(
        st.sampled_from(_CODES), st.sampled_from(["low", "intermediate", "high"]), max_size=3))
    _put(draw, body, "lab_weekdays", st.lists(st.sampled_from(_WEEKDAYS), min_size=1, max_size=7, unique=True))
    country, subdivision = draw(st.sampled_from(_REGIONS))
    _put(draw, body, "lab_country", st.just(country))
    if subdivision is not None and body.get("lab_country") is not None:
        _put(draw, body, "lab_subdivision", st.just(subdivision))
    regimen = draw(st.sampled_from(["twice-daily", "once-daily"]))
    _put(draw, body, "bridging_regimen", st.just(regimen))
    _put(draw, body, "bridging_agent", st.sampled_from(["enoxaparin", "dalteparin"]))
    _put(draw, body, "bridging_times", st.lists(clock_times, min_size=1 if regimen == "once-daily" else 2,
                                                max_size=2, unique=True).map(lambda ts: [f"{t:%H:%M}" for t in ts]))
    return body


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    """A whole request, most often one the parser accepts, exercising every field it knows."""
    start = datetime.combine(draw(procedure_days), draw(clock_times))
    zone = draw(zones).key
    body: dict[str, Any] = {
        "procedure": draw(_procedure(start, zone)),
        "medications": draw(st.lists(_medication(), max_size=5)),
    }
    if draw(st.booleans()):
        # Warfarin held, for the bridging pathway (its dose needs weight_kg and crcl_ml_min).
        body["medications"].insert(0, {"name": "warfarin", "times": [f"{draw(clock_times):%H:%M}"]})
    _put(draw, body, "schema_version", st.just(1))
    _put(draw, body, "booking_id", texts)
    offsets = st.sampled_from(["", "Z", "+08:00", "-05:00", "+0530"])
    _put(draw, body, "now", st.tuples(st.integers(-10, 60), clock_times, offsets).map(
        lambda t: _local(datetime.combine(start.date() - timedelta(days=t[0]), t[1])) + t[2]))
    _put(draw, body, "patient", _patient(start.date()))
    if draw(st.booleans()):
        # A mechanical mitral valve, which is bridged, as in tests/planning/test_pathway.py's bridged bookings.
        body["patient"] = {"weight_kg": draw(st.integers(45, 140)), "crcl_ml_min": draw(st.integers(10, 150)),
                           "anticoagulation": [{"reason": "mechanical-heart-valve", "valve_position": "mitral"}]}
    _put(draw, body, "policy", _policy())
    return body
