"""Parse and validate a request (the decoded JSON mapping) into a :class:`Request`.

Validation is strict: a field medplan does not know is an error, not ignored,
because a misspelt ``crcl_ml_min`` that vanished silently would change a
plan. Each error names the field as a path into the request and says what is
wrong with the value given.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from medplan import _made
from medplan import _tz as tz
from medplan._lazyre import LazyPattern
from medplan.exceptions import InputError, TableError
from medplan.field_checks import FieldChecks, clock_time, digit_shape, weekday
from medplan.jsonlines import NumberBeyondRange, number_as_sent
from medplan.model import (
    SCHEMA_VERSION,
    SETTINGS,
    Answer,
    AnticoagulationReason,
    BleedingRisk,
    Condition,
    Event,
    Indication,
    MedicationOrder,
    Patient,
    Policy,
    Procedure,
    Regimen,
    Request,
    Route,
    StentType,
)
from medplan.tables.care import FLAGS
from medplan.tables.drug_classes import Evidence
from medplan.tables.procedures import Catalogue, CatalogueProcedure, default_catalogue
from medplan.tables.thrombotic_risk import REASONS, choices, features

if TYPE_CHECKING:
    from medplan.model import Decision
    from medplan.tables.policies import Profiles

__all__ = [
    "DEFAULT_GUIDELINE",
    "FIRST_YEAR",
    "LAST_YEAR",
    "PATIENT_RANGES",
    "parse_request",
    "parse_zone",
]

DEFAULT_GUIDELINE = "asra-pain-2018"

# A local time's digit shapes (field_checks.digit_shape), with seconds or without.
_LOCAL = ("9999-99-99T99:99", "9999-99-99T99:99:99")
# The end of a time with a UTC offset: Z, +HH:MM or +HHMM (or -).
_OFFSETS = ("+99:99", "-99:99")
_BARE_OFFSETS = ("+9999", "-9999")
_MAX_NAME = 200
_MAX_CRCL = 500
_MAX_MEDICATIONS = 200
# A caller's own review reasons (medplan.fhir.bundle's unmapped FHIR items) name a
# resource, a field and what to find out: longer than a name.
_MAX_REASON = 500
_MAX_REASONS_GIVEN = 200
_MAX_DECISIONS = 200
# A decided last dose or restart further than this from the procedure is a
# mistyped date, not a hold: the table's longest holds are days, not months.
_DECISION_REACH = timedelta(days=60)
_PROCEDURE_MAX_HOURS = 24
# Bookings are for dates within reach; the bounds keep every hold and restart
# inside what datetime can represent, with room to spare.
FIRST_YEAR = 1900
LAST_YEAR = 2199
# Directional overrides make a name display differently from what it is.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

E = TypeVar("E")

_FIELDS = {
    "": (
        "schema_version",
        "booking_id",
        "now",
        "procedure",
        "patient",
        "medications",
        "policy",
        "review_reasons",
        "decisions",
    ),
    "procedure": (
        "code",
        "name",
        "start",
        "end",
        "timezone",
        "bleeding_risk",
        "guideline",
        "fasting",
        "sedation",
        "contrast",
    ),
    "patient": (
        "crcl_ml_min",
        "egfr",
        "egfr_date",
        "weight_kg",
        "anticoagulation",
        "hba1c_percent",
        "takes_pain_relief",
        *FLAGS,
    ),
    "anticoagulation": (
        "reason",
        "cha2ds2_vasc",
        "stroke_or_tia",
        "rheumatic_valve_disease",
        "valve_position",
        "valve_type",
        "valve_risk_factors",
        "vte",
        "recurrent_vte",
        "thrombophilia",
        "active_cancer",
    ),
    "medication": (
        "name",
        "times",
        "days",
        "dose",
        "regimen",
        "route",
        "indication",
        "indication_date",
        "stent_type",
    ),
    "decision": ("review", "answer", "by", "reason", "last_dose", "resume"),
    "policy": ("profile", "name", *SETTINGS),
}
# The same, as sets, to look each key of a request up in.
_KNOWN = {kind: frozenset(fields) for kind, fields in _FIELDS.items()}
# How a plan names a profile overridden inline: "dr-jones+inline".
_INLINE = "+inline"
# A request naming an unknown profile is told this many of the known ones.
_PROFILES_LISTED = 10


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, NumberBeyondRange):
        return f"the number {number_as_sent(value)}"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


# A request's problem with one item of a list names the item: medications[0].times[1].
_CHECKS = FieldChecks(
    error=InputError, kind=_type_name, item_paths=True, twice="{item} is given twice"
)


def _object(path: str, value: object, kind: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(path or "request", f"must be an object (got {_type_name(value)})")
    allowed = _FIELDS[kind]
    known = _KNOWN[kind]
    for key in value:
        if key not in known:
            # A key with a line break or other unprintable text is shown quoted, so the
            # message stays one readable line.
            shown = (
                key
                if isinstance(key, str) and key.isprintable() and key.strip() == key and key
                else repr(key)
            )
            where = f"{path}.{shown}" if path else shown
            raise InputError(
                where, f"is not a field medplan knows (expected one of {', '.join(allowed)})"
            )
    return value


def _required(path: str, data: Mapping[str, Any], key: str) -> object:
    if key not in data or data[key] is None:
        raise InputError(f"{path}.{key}" if path else key, "is required")
    return data[key]


def _text(path: str, value: object, limit: int = _MAX_NAME) -> str:
    if not isinstance(value, str):
        raise InputError(path, f"must be text (got {_type_name(value)})")
    text = value.strip()
    if not text:
        raise InputError(path, "must not be empty")
    if len(text) > limit:
        raise InputError(path, f"must be at most {limit} characters (got {len(text)})")
    # A printable text (nearly every one) has neither; the character walk is
    # for the rest. The bidi controls are format characters (Cf), which
    # isprintable() also refuses.
    if not text.isprintable() and any(
        unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in text
    ):
        raise InputError(path, "must not contain control characters")
    return text


def _choice(path: str, value: object, kind: type[E]) -> E:
    if isinstance(value, str):
        try:
            return kind(value)  # type: ignore[call-arg]
        except ValueError:
            pass
    # The allowed values are spelled out only for the message.
    allowed = [str(m.value) for m in kind]  # type: ignore[attr-defined]
    raise _CHECKS.not_one_of(path, value, allowed)


def parse_zone(path: str, value: object) -> ZoneInfo:
    """An IANA zone by its key (``Europe/London``), or an :class:`InputError`."""
    key = _text(path, value)
    # 'localtime' would silently mean the machine's zone; posix/ and right/
    # are alternative copies of the database, right/ with leap seconds.
    # 'Factory' means "zone not configured"; 'posixrules' is a template.
    if key in {"localtime", "Factory", "posixrules"} or key.startswith(("posix/", "right/")):
        raise InputError(path, f"must be an IANA time zone such as Europe/London (got {key!r})")
    try:
        return ZoneInfo(key)
    # A key can also name a folder of the database (IsADirectoryError) or a
    # file in it that is not a zone (ValueError), besides no file at all.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(
            path, f"is not an IANA time zone such as Europe/London (got {key!r})"
        ) from None


def _is_local(text: str) -> bool:
    """As re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?", text)."""
    return digit_shape(text) in _LOCAL


def _has_offset(text: str) -> bool:
    """As re.fullmatch(r".*(?:Z|[+-][0-9]{2}:?[0-9]{2})", text): ends in Z or an offset ("." is not a newline)."""
    if "\n" in text:
        return False
    end = digit_shape(text[-6:])
    return end.endswith("Z") or end in _OFFSETS or end[-5:] in _BARE_OFFSETS


def _local_time(path: str, value: object, zone: ZoneInfo) -> datetime:
    text = _text(path, value)
    if not _is_local(text):
        if _has_offset(text):
            problem = f"must be local time YYYY-MM-DDTHH:MM without a UTC offset (got {text!r})"
        else:
            problem = f"must be a local date and time YYYY-MM-DDTHH:MM (got {text!r})"
        raise InputError(path, problem)
    try:
        naive = datetime.fromisoformat(text)
    except ValueError as error:
        raise InputError(path, f"{text} is not a real date and time ({error})") from None
    if not FIRST_YEAR <= naive.year <= LAST_YEAR:
        raise InputError(path, f"must be in the years {FIRST_YEAR} to {LAST_YEAR} (got {text!r})")
    # combine, not replace: datetime.replace parses its keywords at several
    # times the cost of building the datetime afresh.
    moment = datetime.combine(naive, naive.time(), zone)
    later = datetime(
        naive.year, naive.month, naive.day, naive.hour, naive.minute, naive.second,
        naive.microsecond, zone, fold=1,
    )  # fmt: skip
    # A wall clock whose two folds agree happens exactly once; one whose
    # folds differ (tz.datetime_ambiguous) is in a gap or happens twice
    # (PEP 495).
    if moment.utcoffset() == later.utcoffset() and moment.dst() == later.dst():
        return moment
    if not tz.datetime_exists(moment):
        raise InputError(
            path, f"{text} does not exist in {zone.key}: the clocks go forward through it"
        )
    raise InputError(
        path,
        f"{text} happens twice in {zone.key}: the clocks go back through it; book a time outside that hour",
    )


def _now(path: str, value: object, zone: ZoneInfo) -> datetime:
    """The moment the booking asks at: local in the procedure's zone, or with a UTC offset."""
    text = _text(path, value)
    if not _has_offset(text):
        return _local_time(path, text, zone)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise InputError(path, f"{text} is not a real date and time ({error})") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise InputError(path, f"must be in the years {FIRST_YEAR} to {LAST_YEAR} (got {text!r})")
    return moment.astimezone(zone)


def _shown(value: object) -> str:
    """A value as a message shows it: a number as sent, anything else as Python writes it."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_as_sent(value)
    return repr(value)


def _schema_version(value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or value != SCHEMA_VERSION:
        raise InputError(
            "schema_version",
            f"this medplan reads requests of schema_version {SCHEMA_VERSION} (got {_shown(value)})",
        )


def _flag(path: str, value: object) -> bool | None:
    return None if value is None else _CHECKS.boolean(path, value)


def _catalogue_entry(
    fields: Mapping[str, Any], catalogue: Catalogue | None
) -> CatalogueProcedure | None:
    if fields.get("code") is None:
        return None
    code = _text("procedure.code", fields["code"])
    catalogue = default_catalogue() if catalogue is None else catalogue
    entry = catalogue.get(code)
    if entry is None:
        raise InputError(
            "procedure.code",
            f"is not in the procedure catalogue (got {code!r}; 'medplan procedures' lists the codes)",
        )
    return entry


def _guideline(
    fields: Mapping[str, Any], entry: CatalogueProcedure | None, guidelines: Collection[str]
) -> str:
    if fields.get("guideline") is None:
        guideline = DEFAULT_GUIDELINE if entry is None else entry.guideline
        if guideline not in guidelines:
            # a catalogue naming a guideline the table lacks is a data error, not the booking's
            raise TableError(
                "procedures.csv",
                entry.row if entry else None,
                "guideline",
                f"{guideline!r} is not a guideline of the drug table",
            )
        return guideline
    guideline = _text("procedure.guideline", fields["guideline"])
    if guideline not in guidelines:
        raise InputError(
            "procedure.guideline",
            f"must be one of {', '.join(sorted(guidelines))} (got {guideline!r})",
        )
    return guideline


def _bleeding_risk(
    fields: Mapping[str, Any], entry: CatalogueProcedure | None, notes: list[str]
) -> BleedingRisk:
    if entry is None or fields.get("bleeding_risk") is not None:
        risk = _choice(
            "procedure.bleeding_risk", _required("procedure", fields, "bleeding_risk"), BleedingRisk
        )
        if entry is not None and risk is not entry.planned_risk:
            notes.append(
                f"Bleeding risk {risk.value} as booked (the catalogue gives {entry.planned_risk.value})."
            )
        return risk
    if entry.escalates_to is not None:
        notes.append(
            f"Planned at {entry.escalates_to.value} bleeding risk, not {entry.bleeding_risk.value}: "
            "the procedure may escalate on the day."
        )
    return entry.planned_risk


def _procedure(data: object, guidelines: Collection[str], catalogue: Catalogue | None) -> Procedure:
    fields = _object("procedure", data, "procedure")
    entry = _catalogue_entry(fields, catalogue)
    zone = parse_zone("procedure.timezone", _required("procedure", fields, "timezone"))
    start = _local_time("procedure.start", _required("procedure", fields, "start"), zone)
    end = None
    if fields.get("end") is not None:
        end = _local_time("procedure.end", fields["end"], zone)
        span = end.astimezone(ZoneInfo("UTC")) - start.astimezone(ZoneInfo("UTC"))
        if not timedelta(0) < span <= timedelta(hours=_PROCEDURE_MAX_HOURS):
            raise InputError(
                "procedure.end",
                f"must be after procedure.start and within {_PROCEDURE_MAX_HOURS} hours of it (got {fields['end']!r})",
            )
    notes: list[str] = []
    risk = _bleeding_risk(fields, entry, notes)
    name = fields.get("name")
    flags = {c._value_: _flag(f"procedure.{c._value_}", fields.get(c._value_)) for c in Condition}
    review_reason = None
    if entry is not None:
        name = entry.name if name is None else name
        flags = {
            key: getattr(entry, key) if value is None else value for key, value in flags.items()
        }
        if entry.note:
            notes.append(entry.note)
        if entry.evidence is Evidence.UNCONFIRMED and fields.get("bleeding_risk") is None:
            review_reason = (
                f"the catalogue's tier for {entry.code} is not yet confirmed in its source"
            )
    return Procedure(
        name=_text(
            "procedure.name", name if name is not None else _required("procedure", fields, "name")
        ),
        code=None if entry is None else entry.code,
        start=start,
        end=end,
        zone=zone,
        bleeding_risk=risk,
        guideline=_guideline(fields, entry, guidelines),
        notes=tuple(notes),
        review_reason=review_reason,
        care=None if entry is None else entry.care,
        **flags,
    )


_DATE = LazyPattern(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MAX_REASONS = 10
_MAX_CHA2DS2_VASC = 9
# The ranges the patient's measurements must fall in (medplan.fhir.bundle checks a
# FHIR Observation against the same ones before it maps it).
PATIENT_RANGES: Mapping[str, tuple[float, float]] = {
    "crcl_ml_min": (0, _MAX_CRCL),
    "egfr": (0, _MAX_CRCL),
    "weight_kg": (20, 350),
    "hba1c_percent": (3, 25),
}


def _event(path: str, value: object, day0: date) -> Event:
    """The date of the most recent event, or "none"; never after the procedure.

    Never called for a field left out or null: _reason reads only the fields given.
    """
    if value == "none":
        return "none"
    return _day(path, value, day0, expected='a date YYYY-MM-DD, or "none"')


def _day(path: str, value: object, day0: date, *, expected: str = "a date YYYY-MM-DD") -> date:
    """A date YYYY-MM-DD on or before the procedure's day; ``expected`` words the format."""
    text = value if isinstance(value, str) else ""
    try:
        if _DATE.fullmatch(text) is None:
            raise ValueError  # noqa: TRY301 - one message for every malformed value
        when = date.fromisoformat(text)
    except ValueError:
        raise InputError(path, f"must be {expected} (got {_CHECKS.shown(value)})") from None
    if when > day0:
        raise InputError(path, f"must not be after the procedure ({day0.isoformat()}) (got {text})")
    return when


def _reason_value(reason: str, key: str, raw: object, where: str, day0: date) -> object:
    """One field of an anticoagulation reason, checked for its kind."""
    if key == "vte" and raw == "none":
        # A reason venous-thromboembolism has had one: "none" would read as long ago.
        raise InputError(where, 'must be the date of the most recent VTE (got "none")')
    if key in {"stroke_or_tia", "vte"}:
        return _event(where, raw, day0)
    if key == "cha2ds2_vasc":
        if isinstance(raw, NumberBeyondRange):
            shown = number_as_sent(raw)
            raise InputError(where, f"must be between 0 and {_MAX_CHA2DS2_VASC} (got {shown})")
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise InputError(where, f"must be a whole number (got {_type_name(raw)})")
        if not 0 <= raw <= _MAX_CHA2DS2_VASC:
            raise InputError(where, f"must be between 0 and {_MAX_CHA2DS2_VASC} (got {raw})")
        return raw
    allowed = choices(reason, key)
    if allowed is None:
        return _flag(where, raw)
    return _CHECKS.choice(where, raw, allowed)


def _reason(path: str, data: object, day0: date) -> AnticoagulationReason:
    fields = _object(path, data, "anticoagulation")
    reason = _text(f"{path}.reason", _required(path, fields, "reason"))
    reason = _CHECKS.choice(f"{path}.reason", reason, REASONS)
    for key in fields:
        if key != "reason" and key not in features(reason):
            raise InputError(
                f"{path}.{key}",
                f"is not a field of {reason} (expected one of {', '.join(features(reason))})",
            )
    values = {
        key: _reason_value(reason, key, fields[key], f"{path}.{key}", day0)
        for key in features(reason)
        if fields.get(key) is not None
    }
    return AnticoagulationReason(reason=reason, **values)  # type: ignore[arg-type]


def _anticoagulation(data: object, day0: date) -> tuple[AnticoagulationReason, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise InputError(
            "patient.anticoagulation",
            f"must be a list of reasons, one object each (got {_type_name(data)})",
        )
    if len(data) > _MAX_REASONS:
        raise InputError(
            "patient.anticoagulation", f"must list at most {_MAX_REASONS} reasons (got {len(data)})"
        )
    reasons = tuple(
        _reason(f"patient.anticoagulation[{i}]", item, day0) for i, item in enumerate(data)
    )
    seen = [r.reason for r in reasons]
    for index, reason in enumerate(seen):
        if reason in seen[:index]:
            raise InputError(
                f"patient.anticoagulation[{index}].reason",
                f"{reason} is already listed: give each reason once",
            )
    return reasons


def _patient(data: object, day0: date) -> Patient:
    if data is None:
        return Patient()
    fields = _object("patient", data, "patient")
    weight = fields.get("weight_kg")
    crcl = fields.get("crcl_ml_min")
    egfr = fields.get("egfr")
    hba1c = fields.get("hba1c_percent")
    flags = tuple(
        (name, answer)
        for name in FLAGS
        if (answer := _flag(f"patient.{name}", fields.get(name))) is not None
    )

    def measure(key: str, value: object) -> float | None:
        if value is None:
            return None
        low, high = PATIENT_RANGES[key]
        return _CHECKS.number(f"patient.{key}", value, low=low, high=high)

    egfr_date = fields.get("egfr_date")
    if egfr_date is not None and egfr is None:
        raise InputError("patient.egfr_date", "must be given only with patient.egfr")
    return Patient(
        crcl_ml_min=measure("crcl_ml_min", crcl),
        egfr=measure("egfr", egfr),
        egfr_date=None if egfr_date is None else _day("patient.egfr_date", egfr_date, day0),
        hba1c_percent=measure("hba1c_percent", hba1c),
        takes_pain_relief=_flag("patient.takes_pain_relief", fields.get("takes_pain_relief")),
        weight_kg=measure("weight_kg", weight),
        anticoagulation=_anticoagulation(fields.get("anticoagulation"), day0),
        flags=flags,
    )


def _times(path: str, value: object) -> tuple[time, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError(path, f"must be a list of times HH:MM (got {_type_name(value)})")
    return _CHECKS.each_once(
        path, value, clock_time, expected="must be a time HH:MM from 00:00 to 23:59"
    )


def _weekday(item: object) -> int | None:
    """A weekday's name, in any case and with spaces around it, as its number."""
    return weekday(item.strip().casefold()) if isinstance(item, str) else None


def _days(path: str, value: object) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        shown = "an empty list" if value == [] else _type_name(value)
        raise InputError(path, f'must be a list of weekdays such as ["sunday"] (got {shown})')
    return _CHECKS.each_once(path, value, _weekday, expected="must be a weekday, monday to sunday")


def _indication(
    path: str, fields: Mapping[str, Any], day0: date
) -> tuple[Indication | None, date | None, StentType | None]:
    """The medicine's indication, the date of the event it names, and the stent's type."""
    raw, when, stent = (fields.get(k) for k in ("indication", "indication_date", "stent_type"))
    indication = None if raw is None else _choice(f"{path}.indication", raw, Indication)
    if when is not None and (indication is None or not indication.is_event):
        # Listed only for the message: most medicines give no date.
        events = ", ".join(i.value for i in Indication if i.is_event)
        raise InputError(
            f"{path}.indication_date", f"must be given only with an indication of {events}"
        )
    if stent is not None and indication is not Indication.CORONARY_STENT:
        raise InputError(f"{path}.stent_type", "must be given only with indication coronary-stent")
    return (
        indication,
        None if when is None else _day(f"{path}.indication_date", when, day0),
        None if stent is None else _choice(f"{path}.stent_type", stent, StentType),
    )


def _medication(path: str, data: object, day0: date) -> MedicationOrder:
    fields = _object(path, data, "medication")
    dose = fields.get("dose")
    regimen = fields.get("regimen")
    route = fields.get("route")
    indication, indication_date, stent_type = _indication(path, fields, day0)
    return _made.medication_order(
        name=_text(f"{path}.name", _required(path, fields, "name")),
        times=_times(f"{path}.times", fields.get("times")),
        days=_days(f"{path}.days", fields.get("days")),
        dose=None if dose is None else _text(f"{path}.dose", dose),
        regimen=None if regimen is None else _choice(f"{path}.regimen", regimen, Regimen),
        route=None if route is None else _choice(f"{path}.route", route, Route),
        indication=indication,
        indication_date=indication_date,
        stent_type=stent_type,
    )


def _medications(data: object, day0: date) -> tuple[MedicationOrder, ...]:
    if not isinstance(data, list):
        raise InputError("medications", f"must be a list (got {_type_name(data)})")
    if len(data) > _MAX_MEDICATIONS:
        raise InputError(
            "medications", f"must list at most {_MAX_MEDICATIONS} medicines (got {len(data)})"
        )
    return tuple(_medication(f"medications[{i}]", item, day0) for i, item in enumerate(data))


def _review_reasons(data: object) -> tuple[str, ...]:
    """The caller's own review reasons: each is kept, in order, and makes the plan need review."""
    if data is None:
        return ()
    if not isinstance(data, list):
        raise InputError("review_reasons", f"must be a list of text (got {_type_name(data)})")
    if len(data) > _MAX_REASONS_GIVEN:
        raise InputError(
            "review_reasons", f"must list at most {_MAX_REASONS_GIVEN} reasons (got {len(data)})"
        )
    return tuple(
        _text(f"review_reasons[{i}]", item, limit=_MAX_REASON) for i, item in enumerate(data)
    )


def _decision_dates(
    path: str, fields: Mapping[str, Any], answer: Answer, procedure: Procedure
) -> tuple[datetime | None, datetime | None]:
    """A hold's own last dose and restart: local times in the procedure's zone, around it."""
    for key in ("last_dose", "resume"):
        if fields.get(key) is not None and answer is not Answer.HOLD:
            raise InputError(
                f"{path}.{key}", f"is given only with answer hold (got answer {answer.value!r})"
            )
    if fields.get("last_dose") is None and fields.get("resume") is None:
        return None, None
    zone, start, finish = procedure.zone, procedure.start, procedure.finish
    last_dose = _local_time(f"{path}.last_dose", _required(path, fields, "last_dose"), zone)
    resume = _local_time(f"{path}.resume", _required(path, fields, "resume"), zone)
    # Compared as instants: wall clocks mislead across a clock change.
    if last_dose.timestamp() >= start.timestamp():
        raise InputError(
            f"{path}.last_dose",
            f"must be before the procedure's start {start:%Y-%m-%dT%H:%M} (got {fields['last_dose']!r})",
        )
    if (start - last_dose) > _DECISION_REACH:
        raise InputError(
            f"{path}.last_dose",
            f"must be within {_DECISION_REACH.days} days before the procedure's start "
            f"{start:%Y-%m-%dT%H:%M} (got {fields['last_dose']!r})",
        )
    if resume.timestamp() <= finish.timestamp():
        raise InputError(
            f"{path}.resume",
            f"must be after the procedure, which ends {finish:%Y-%m-%dT%H:%M} (got {fields['resume']!r})",
        )
    if (resume - finish) > _DECISION_REACH:
        raise InputError(
            f"{path}.resume",
            f"must be within {_DECISION_REACH.days} days after the procedure "
            f"{finish:%Y-%m-%dT%H:%M} (got {fields['resume']!r})",
        )
    return last_dose, resume


def _decision(path: str, data: object, procedure: Procedure) -> Decision:
    fields = _object(path, data, "decision")
    answer = _choice(f"{path}.answer", _required(path, fields, "answer"), Answer)
    reason = fields.get("reason")
    last_dose, resume = _decision_dates(path, fields, answer, procedure)
    from medplan.model import Decision  # noqa: PLC0415 - made on first use (model.__getattr__)

    return Decision(
        review=_text(f"{path}.review", _required(path, fields, "review")),
        answer=answer,
        by=_text(f"{path}.by", _required(path, fields, "by")),
        reason=None if reason is None else _text(f"{path}.reason", reason, limit=_MAX_REASON),
        last_dose=last_dose,
        resume=resume,
    )


def _decisions(data: object, procedure: Procedure) -> tuple[Decision, ...]:
    """The pharmacist's decisions, at most one per review item; checked against the plan by the planner."""
    if data is None:
        return ()
    if not isinstance(data, list):
        raise InputError("decisions", f"must be a list of decisions (got {_type_name(data)})")
    if len(data) > _MAX_DECISIONS:
        raise InputError(
            "decisions", f"must list at most {_MAX_DECISIONS} decisions (got {len(data)})"
        )
    decisions: list[Decision] = []
    first: dict[str, int] = {}
    for position, item in enumerate(data):
        decision = _decision(f"decisions[{position}]", item, procedure)
        if decision.review in first:
            raise InputError(
                f"decisions[{position}].review",
                f"must not answer {decision.review!r} again (decisions[{first[decision.review]}] answers it)",
            )
        first[decision.review] = position
        decisions.append(decision)
    return tuple(decisions)


def _profile(fields: Mapping[str, Any], profiles: Profiles | None) -> Policy:
    """The policy of the profile ``policy.profile`` names."""
    name = _text("policy.profile", fields["profile"])
    if fields.get("name") is not None:
        # The plan names the profile, so that it can be traced to its file.
        raise InputError(
            "policy.name", "must not be given with policy.profile: the profile names the policy"
        )
    if profiles is None:
        # Imported here: a request that names no profile never reads the policy file.
        from medplan.tables.policies import default_profiles  # noqa: PLC0415

        profiles = default_profiles()
    profile = profiles.get(name)
    if profile is None:
        known = ", ".join(profiles.names[:_PROFILES_LISTED])
        if len(profiles.names) > _PROFILES_LISTED:
            known += f" and {len(profiles.names) - _PROFILES_LISTED} more"
        raise InputError(
            "policy.profile",
            f"is not a profile in {profiles.file} (got {name!r}; it has {known})",
        )
    return profile.policy


@functools.cache
def _default_policy() -> Policy:
    """The built-in default policy: one frozen value for every request that names none."""
    return Policy()


def _policy(
    data: object,
    profiles: Profiles | None,
    catalogue: Catalogue | None,
    variants: Mapping[str, Collection[str]] | None,
) -> Policy:
    """The request's policy: the built-in default, or a named profile, with inline settings on top.

    Its name: the profile's, or ``PROFILE+inline`` when settings override
    it; without a profile, the given ``name``, else ``custom`` when settings
    are given, else the default's. A null field is a field not given.
    """
    if data is None:
        return _default_policy()
    # A request without a policy (the bundled example) never imports the checks.
    from medplan.tables.settings import SettingError, apply_settings  # noqa: PLC0415

    fields = _object("policy", data, "policy")
    settings = {key: fields[key] for key in SETTINGS if fields.get(key) is not None}
    base = _default_policy()
    if fields.get("profile") is not None:
        base = _profile(fields, profiles)
        name = base.name + _INLINE if settings else base.name
    elif fields.get("name") is not None:
        name = _text("policy.name", fields["name"])
    else:
        name = "custom" if settings else base.name
    try:
        policy = apply_settings(
            base,
            settings,
            catalogue=default_catalogue() if catalogue is None else catalogue,
            variants=variants,
        )
    except SettingError as error:
        raise InputError(f"policy.{error.key}", error.problem) from None
    return attrs.evolve(policy, name=name, inline=tuple(settings))


def _policy_tier(
    procedure: Procedure, policy: Policy, *, booked: bool, catalogue: Catalogue | None
) -> Procedure:
    """The procedure at the tier the clinic policy gives its catalogue code, with a note saying so.

    A tier the booking gave (``booked``) still wins, with a note when the
    policy's differs. The policy's tier, like a booked one, replaces the
    catalogue's, so a catalogue tier not yet confirmed no longer sends the
    plan to review.
    """
    tier = policy.bleeding_risk_for(procedure.code)
    if tier is None or procedure.code is None:
        return procedure
    code, current = procedure.code, procedure.bleeding_risk
    if booked:
        if tier is current:
            return procedure
        note = (
            f"Bleeding risk {current.value} as booked; clinic policy {policy.name!r} "
            f"plans {code} at {tier.value}."
        )
        return attrs.evolve(procedure, notes=(*procedure.notes, note))
    entry = (default_catalogue() if catalogue is None else catalogue).get(code)
    assert entry is not None  # noqa: S101 - the code was looked up in this catalogue
    # The review reason _procedure gives a catalogue tier marked U.
    unconfirmed = f"the catalogue's tier for {code} is not yet confirmed in its source"
    was_unconfirmed = procedure.review_reason == unconfirmed
    notes = procedure.notes
    if tier is current:
        if not was_unconfirmed:
            return procedure
        note = (
            f"Bleeding risk {tier.value} by clinic policy {policy.name!r}, "
            "the catalogue's tier, which is not yet confirmed in its source."
        )
    else:
        catalogue_tier = current.value
        if entry.escalates_to is not None:
            # The policy's tier replaces the escalated one: its note no longer holds.
            notes = tuple(
                n for n in notes if not n.endswith("the procedure may escalate on the day.")
            )
            catalogue_tier += (
                f" (from {entry.bleeding_risk.value}: the procedure may escalate on the day)"
            )
        note = f"Bleeding risk {tier.value} by clinic policy {policy.name!r}, not the catalogue's {catalogue_tier}."
    return attrs.evolve(
        procedure,
        bleeding_risk=tier,
        notes=(*notes, note),
        review_reason=None if was_unconfirmed else procedure.review_reason,
    )


def parse_request(
    data: object,
    guidelines: Collection[str] = (DEFAULT_GUIDELINE,),
    catalogue: Catalogue | None = None,
    profiles: Profiles | None = None,
    variants: Mapping[str, Collection[str]] | None = None,
) -> Request:
    """Validate a decoded JSON request.

    Args:
        data: The request mapping, as ``json.loads`` returns it.
        guidelines: The guideline ids the table knows; ``procedure.guideline``
            must be one of them.
        catalogue: The procedure catalogue ``procedure.code`` is looked up in;
            the bundled one when omitted.
        profiles: The clinic policy profiles ``policy.profile`` names one of;
            the bundled ones when omitted, loaded only if a request names one.
        variants: The table's variants (``Table.variants``) an inline
            ``policy.variants`` must choose from; when None, only their
            shape is checked.

    Returns:
        The validated :class:`Request`.

    Raises:
        InputError: Naming the first field at fault and the problem.

    >>> request = parse_request({
    ...     "procedure": {"name": "TFESI", "start": "2026-12-08T09:30",
    ...                   "timezone": "Australia/Perth", "bleeding_risk": "intermediate"},
    ...     "medications": [{"name": "warfarin", "times": ["18:00"]}],
    ... })
    >>> request.procedure.start.isoformat(), request.procedure.guideline
    ('2026-12-08T09:30:00+08:00', 'asra-pain-2018')
    >>> parse_request({"procedure": {}, "medications": []})
    Traceback (most recent call last):
    medplan.InputError: procedure.timezone: is required
    """
    fields = _object("", data, "")
    _schema_version(fields.get("schema_version"))
    booking_id = fields.get("booking_id")
    if booking_id is not None:
        booking_id = _text("booking_id", booking_id)
    procedure = _procedure(_required("", fields, "procedure"), guidelines, catalogue)
    now = None if fields.get("now") is None else _now("now", fields["now"], procedure.zone)
    patient = _patient(fields.get("patient"), procedure.day0)
    medications = _medications(_required("", fields, "medications"), procedure.day0)
    policy = _policy(fields.get("policy"), profiles, catalogue, variants)
    booked = fields["procedure"].get("bleeding_risk") is not None
    return Request(
        procedure=_policy_tier(procedure, policy, booked=booked, catalogue=catalogue),
        patient=patient,
        medications=medications,
        policy=policy,
        now=now,
        booking_id=booking_id,
        review_reasons=_review_reasons(fields.get("review_reasons")),
        decisions=_decisions(fields.get("decisions"), procedure),
    )
