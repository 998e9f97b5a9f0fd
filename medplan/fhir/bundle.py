"""FHIR R4 input: a Bundle of an Appointment, the patient's medicines and results, as a medplan request.

Pure: no I/O, no clock, no FHIR server. Needs the ``fhir`` extra
(``pip install 'medplan[fhir]'``, the ``fhir.resources`` package), imported
only when a bundle is read. Each resource is validated against its FHIR R4B
model (``fhir.resources.R4B``: R4B is R4 with resources added elsewhere; the
ones read here are unchanged); the Bundle's own shape is checked first.

**What is read** (docs/service.md, "FHIR and CDS Hooks", has the full table):

- ``Appointment``: ``start`` and ``end`` (instants with a UTC offset) become
  local times in the ``timezone`` given (FHIR carries offsets, not zones, so
  the caller must name the procedure's IANA zone). The procedure is the
  catalogue's: a ``serviceType`` or ``appointmentType`` coding of system
  ``urn:medplan:procedure`` with a catalogue code, else a text or display
  (or ``description``) that is a catalogue name. One that matches nothing is
  planned at **high** bleeding risk (the longest holds) and sent to review.
- ``Patient``: its id. The appointment's patient (its Patient participant,
  else the Patient resource) is the bundle's: a Patient resource, or any
  record whose subject, names another patient is an :class:`~medplan.InputError`,
  and no plan is made (a plan must never mix two patients' records).
- ``MedicationStatement`` and ``MedicationRequest``: the medicine from its
  codes (ATC, RxNorm, SNOMED CT: see :mod:`medplan.tables.medication_codes`), else from its
  text; the usual times from ``timeOfDay``, else assumed from ``when``,
  ``frequency``/``period`` or the timing ``code`` (and then sent to review);
  the weekdays from ``dayOfWeek``.
- ``Observation`` by LOINC code: creatinine clearance, eGFR, body weight and
  HbA1c, each in its unit; an INR is carried for the pharmacist.

**Nothing is dropped silently.** Whatever cannot be mapped is an
:class:`FhirItem` in ``FhirRequest.unmapped``; each becomes one of the
request's ``review_reasons``, so the plan needs review. What is skipped on
purpose (an inactive medicine, a cancelled result) is an item in
``FhirRequest.notes``. A bundle that cannot be planned at all (no
Appointment, no start, an Appointment that is not valid FHIR) is an
:class:`~medplan.InputError` naming the resource and field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from dateutil import tz

from medplan.api import plan
from medplan.exceptions import InputError, MissingExtraError
from medplan.model import WEEKDAY_NAMES, Plan
from medplan.request import PATIENT_RANGES, parse_zone
from medplan.tables.drug_classes import Table, default_table
from medplan.tables.medication_codes import Codes, default_codes
from medplan.tables.policies import Profiles
from medplan.tables.procedures import Catalogue, default_catalogue

__all__ = [
    "ASSUMED_TIMES",
    "ATC",
    "LOINC",
    "OBSERVATIONS",
    "PROCEDURE_SYSTEM",
    "WHEN_TIMES",
    "FhirItem",
    "FhirRequest",
    "capped_reasons",
    "plan_bundle",
    "request_from_bundle",
]

ATC = "http://www.whocc.no/atc"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PROCEDURE_SYSTEM = "urn:medplan:procedure"
_REQUIRES = "fhir.resources>=8.0"

# Dose times assumed from how often a medicine is taken, when the record gives
# no timeOfDay: always sent to review, for the pharmacist to confirm.
ASSUMED_TIMES: Mapping[int, tuple[str, ...]] = {
    1: ("08:00",),
    2: ("08:00", "20:00"),
    3: ("08:00", "14:00", "20:00"),
    4: ("08:00", "12:00", "16:00", "20:00"),
}
# FHIR's EventTiming codes (Timing.repeat.when) as clock times; assumed too.
WHEN_TIMES: Mapping[str, str] = {
    "WAKE": "07:00",
    "MORN": "08:00",
    "MORN.early": "06:00",
    "MORN.late": "10:00",
    "NOON": "12:00",
    "AFT": "14:00",
    "AFT.early": "13:00",
    "AFT.late": "16:00",
    "EVE": "18:00",
    "EVE.early": "17:00",
    "EVE.late": "20:00",
    "NIGHT": "22:00",
    "HS": "22:00",
    "CM": "08:00",
    "ACM": "08:00",
    "PCM": "08:00",
    "CD": "12:00",
    "ACD": "12:00",
    "PCD": "12:00",
    "CV": "18:00",
    "ACV": "18:00",
    "PCV": "18:00",
}
# Timing.code (HL7 GTSAbbreviation) as doses a day; AM and PM as a time.
_TIMING_CODES: Mapping[str, int] = {"QD": 1, "BID": 2, "TID": 3, "QID": 4}
_TIMING_CLOCK: Mapping[str, str] = {"AM": "08:00", "PM": "18:00"}
_FHIR_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@attrs.frozen(kw_only=True)
class _Measure:
    field: str
    label: str
    ucum: frozenset[str]
    units: frozenset[str]


_CRCL = _Measure(
    field="crcl_ml_min",
    label="creatinine clearance",
    ucum=frozenset({"mL/min"}),
    units=frozenset({"mL/min", "ml/min"}),
)
_EGFR = _Measure(
    field="egfr",
    label="eGFR",
    ucum=frozenset({"mL/min/{1.73_m2}"}),
    units=frozenset({"mL/min/{1.73_m2}", "mL/min/1.73m2", "mL/min/1.73 m2", "mL/min/1.73m²"}),
)
_WEIGHT = _Measure(
    field="weight_kg", label="body weight", ucum=frozenset({"kg"}), units=frozenset({"kg"})
)
_HBA1C = _Measure(
    field="hba1c_percent", label="HbA1c", ucum=frozenset({"%"}), units=frozenset({"%"})
)
_INR = "INR"
# LOINC codes read, and what each is. 2164-2 is a measured 24-hour urine
# clearance, not the Cockcroft-Gault estimate the rules are written for: it is
# used, and sent to review saying so.
OBSERVATIONS: Mapping[str, _Measure | str] = {
    "35591-7": _CRCL,
    "2164-2": _CRCL,
    "33914-3": _EGFR,
    "62238-1": _EGFR,
    "98979-8": _EGFR,
    "29463-7": _WEIGHT,
    "4548-4": _HBA1C,
    "6301-6": _INR,
    "34714-6": _INR,
}
_MEASURED_CRCL = "2164-2"

_ACTIVE_STATEMENT = {"active", "intended", "on-hold", "unknown"}
_INACTIVE_STATEMENT = {"completed", "entered-in-error", "stopped", "not-taken"}
_ACTIVE_REQUEST = {"active", "on-hold", "draft", "unknown"}
_INACTIVE_REQUEST = {"cancelled", "completed", "entered-in-error", "stopped"}
_CONFIRM_STATUS = {"intended", "on-hold", "unknown", "draft"}
_RESULT_FINAL = {"final", "amended", "corrected"}
_RESULT_VOID = {"registered", "cancelled", "entered-in-error"}
_APPOINTMENT_VOID = {"cancelled", "entered-in-error", "noshow"}
_MAX_TEXT = 200
# A request's review_reasons: at most this many, each at most this long.
_MAX_REVIEW_REASONS = 200
_MAX_REASON = 500
_SHOWN = 80
_MAX_HOURS = 24
_SYSTEM_LABELS = {ATC: "ATC", "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm"}
_SYSTEM_LABELS["http://snomed.info/sct"] = "SNOMED CT"


@attrs.frozen
class FhirItem:
    """Something in the bundle medplan did not use as it stands, and why.

    ``resource`` is ``Type/id`` (``MedicationStatement/ms-2``, or the entry's
    place when the resource has no id), ``field`` the FHIR path within it
    (``dosage[0].timing``), ``problem`` what the pharmacist must know.
    """

    resource: str
    field: str
    problem: str

    def __str__(self) -> str:
        """``resource field: problem``, as the plan's review reason reads."""
        where = f"{self.resource} {self.field}" if self.field else self.resource
        return f"{where}: {self.problem}"


@attrs.frozen(kw_only=True)
class FhirRequest:
    """A bundle read as a medplan request.

    ``request`` is the request mapping :func:`medplan.plan` takes (its
    ``review_reasons`` are the ``unmapped`` items, in order). ``unmapped``
    lists what could not be used as it stands; each makes the plan need
    review. ``notes`` lists what was skipped on purpose (inactive medicines,
    void results), for the pharmacist to see.
    """

    request: Mapping[str, Any]
    unmapped: tuple[FhirItem, ...]
    notes: tuple[FhirItem, ...]


def _import_models() -> ModuleType:
    try:
        from fhir.resources import R4B  # noqa: PLC0415 - the optional extra is imported only when asked for
    except ImportError:
        raise MissingExtraError("fhir", _REQUIRES, "FHIR input") from None
    return R4B


def _clean(text: str, limit: int = _MAX_TEXT) -> str:
    """FHIR text as request text: control characters as spaces, trimmed, cut to ``limit``."""
    flat = "".join(" " if unicodedata.category(c) in {"Cc", "Cf"} else c for c in text)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _shown(text: str) -> str:
    return repr(_clean(text, _SHOWN))


class _Reader:
    """The state of one bundle's reading: its resources, what went unmapped, what was noted."""

    def __init__(self, table: Table, codes: Codes, catalogue: Catalogue) -> None:
        self.table = table
        self.codes = codes
        self.catalogue = catalogue
        self.unmapped: list[FhirItem] = []
        self.notes: list[FhirItem] = []
        self.by_reference: dict[str, Mapping[str, Any]] = {}
        self.used_medications: set[str] = set()
        self.patient_refs: set[str] = set()
        # The patient every record must be: the appointment's, else the Patient resource.
        self.patient = "none named"

    def unmap(self, resource: str, field: str, problem: str) -> None:
        self.unmapped.append(FhirItem(resource, field, problem))

    def note(self, resource: str, field: str, problem: str) -> None:
        self.notes.append(FhirItem(resource, field, problem))


# --- the bundle --------------------------------------------------------------------------------


def _resources(
    bundle: object, models: ModuleType
) -> list[tuple[str, Mapping[str, Any], str | None]]:
    """Each entry's resource, named ``Type/id``, with the entry's fullUrl; the Bundle itself checked."""
    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        raise InputError("Bundle", "must be a FHIR Bundle (an object with resourceType Bundle)")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise InputError("Bundle.entry", "must be a list of entries")
    shell = {**bundle, "entry": [_without_resource(e) for e in entries]}
    try:
        models.get_fhir_model_class("Bundle").model_validate(shell)
    except ValueError as error:
        raise InputError("Bundle", _validation_problem(error)) from None
    found = []
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or not isinstance(resource.get("resourceType"), str):
            raise InputError(f"Bundle.entry[{index}].resource", "must be a FHIR resource")
        rid = resource.get("id")
        name = (
            f"{resource['resourceType']}/{rid}"
            if isinstance(rid, str)
            else f"Bundle.entry[{index}]"
        )
        full_url = entry.get("fullUrl")
        found.append((name, resource, full_url if isinstance(full_url, str) else None))
    return found


def _without_resource(entry: object) -> object:
    if isinstance(entry, Mapping):
        return {k: v for k, v in entry.items() if k != "resource"}
    return entry


def _validation_problem(error: ValueError) -> str:
    """A pydantic validation error as a FHIR path and the problem, for the first field at fault."""
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return str(error)
    first = errors()[0]
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".")
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{path}: {message}" if path else message


def _validate(models: ModuleType, resource: Mapping[str, Any]) -> str | None:
    """None when the resource is valid R4B FHIR, else the problem (``field: what``)."""
    try:
        model = models.get_fhir_model_class(resource["resourceType"])
    except ValueError:
        return f"resourceType {resource['resourceType']!r} is not a FHIR R4 resource type"
    try:
        model.model_validate(resource)
    except ValueError as error:
        return _validation_problem(error)
    return None


# --- references --------------------------------------------------------------------------------


def _reference(value: object) -> str | None:
    if isinstance(value, Mapping) and isinstance(value.get("reference"), str):
        return str(value["reference"])
    return None


def _is_patient(reader: _Reader, reference: str | None) -> bool | None:
    """Whether a subject reference names the bundle's patient; None when the bundle names none."""
    if not reader.patient_refs or reference is None:
        return None
    return reference in reader.patient_refs or any(
        reference.endswith("/" + ref) for ref in reader.patient_refs if ref.startswith("Patient/")
    )


def _refuse_another_patient(
    reader: _Reader, name: str, resource: Mapping[str, Any], key: str
) -> None:
    """Refuse the bundle when ``resource`` is another patient's: no plan mixes two patients' records.

    A record left out and reviewed would still plan this appointment from a
    bundle that is not one patient's; the booking system must send it again.
    """
    reference = _reference(resource.get(key))
    if _is_patient(reader, reference) is False:
        raise InputError(
            f"{name}.{key}",
            f"is {reference}, not the appointment's patient ({reader.patient}): "
            "a bundle must hold one patient's records; no plan is made from it",
        )


def _one_patient(
    reader: _Reader,
    appointment: str,
    patients: Sequence[tuple[str, Mapping[str, Any]]],
    full_urls: Mapping[str, str],
) -> None:
    """The appointment's patient is the bundle's: its Patient resource must be that patient.

    ``reader.patient_refs`` holds the appointment's Patient participants when
    this is called; the Patient resource (by ``Type/id`` and fullUrl) joins them.
    """
    named = sorted(reader.patient_refs)
    if len(named) > 1:
        raise InputError(
            f"{appointment}.participant",
            f"names {len(named)} patients ({', '.join(named)}): an appointment is one patient's",
        )
    for name, _ in patients:
        refs = {name, *([full_urls[name]] if name in full_urls else [])}
        if named and not any(_is_patient(reader, ref) for ref in refs):
            raise InputError(
                name,
                f"is not the appointment's patient ({named[0]}): a bundle must hold one "
                "patient's records; no plan is made from it",
            )
        reader.patient_refs.update(refs)
    reader.patient = named[0] if named else patients[0][0] if patients else "none named"


# --- the appointment ---------------------------------------------------------------------------


def _instant(name: str, field: str, value: object, zone: ZoneInfo) -> datetime:
    if not isinstance(value, str):
        raise InputError(f"{name}.{field}", "is required: medplan plans a booked time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name}.{field}", f"is not a FHIR instant (got {value!r})") from None
    if moment.utcoffset() is None:
        raise InputError(f"{name}.{field}", f"must carry a UTC offset (got {value!r})")
    local = moment.astimezone(zone)
    if tz.datetime_ambiguous(local.replace(tzinfo=zone)):
        raise InputError(
            f"{name}.{field}",
            f"{local:%Y-%m-%dT%H:%M} happens twice in {zone.key} (the clocks go back through it), "
            "and a medplan request takes local times: book it outside that hour",
        )
    return local


def _local_text(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M}" if moment.second == 0 else f"{moment:%Y-%m-%dT%H:%M:%S}"


def _offset_check(reader: _Reader, name: str, field: str, value: str, local: datetime) -> None:
    """A non-UTC offset that is not the zone's at that moment suggests the zone given is wrong."""
    given = datetime.fromisoformat(value).utcoffset()
    if given not in {timedelta(0), local.utcoffset()}:
        reader.unmap(
            name,
            field,
            f"its UTC offset ({value[-6:]}) is not {local.tzinfo}'s at that moment "
            f"(UTC{local:%z}): confirm the procedure's time zone",
        )


def _codeable_texts(concept: object) -> list[str]:
    """A CodeableConcept's text and its codings' displays."""
    if not isinstance(concept, Mapping):
        return []
    texts = [concept["text"]] if isinstance(concept.get("text"), str) else []
    texts += [
        c["display"]
        for c in concept.get("coding") or []
        if isinstance(c, Mapping) and isinstance(c.get("display"), str)
    ]
    return texts


def _codings(concept: object) -> list[Mapping[str, Any]]:
    if not isinstance(concept, Mapping):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, Mapping)]


def _procedure(  # noqa: C901 - a catalogue code, else a catalogue name, else high risk and review
    reader: _Reader, name: str, appointment: Mapping[str, Any]
) -> dict[str, Any]:
    """The request's procedure code, or a name planned at high risk and sent to review."""
    concepts = [*(appointment.get("serviceType") or []), appointment.get("appointmentType")]
    codes: dict[str, str] = {}
    for concept in concepts:
        for coding in _codings(concept):
            if coding.get("system") != PROCEDURE_SYSTEM:
                continue
            code = str(coding.get("code") or "")
            if reader.catalogue.get(code) is None:
                reader.unmap(
                    name,
                    "serviceType",
                    f"procedure code {code!r} is not in medplan's catalogue ('medplan procedures' lists them)",
                )
            else:
                codes.setdefault(code, "coding")
    texts = [t for concept in concepts for t in _codeable_texts(concept)]
    if isinstance(appointment.get("description"), str):
        texts.append(appointment["description"])
    if not codes:
        by_name = {_words(p.name): p.code for p in reader.catalogue.procedures.values()}
        for text in texts:
            named = by_name.get(_words(text))
            if named is not None:
                codes.setdefault(named, "name")
    if len(codes) == 1:
        return {"code": next(iter(codes))}
    shown = _clean(texts[0]) if texts else f"Procedure ({name})"
    if codes:
        problem = (
            f"names several catalogue procedures ({', '.join(sorted(codes))}): planned at high "
            "bleeding risk until a pharmacist confirms which"
        )
    else:
        problem = (
            f"procedure {_shown(shown)} is not in medplan's catalogue: planned at high bleeding "
            "risk (the longest holds) until a pharmacist confirms the tier"
        )
    reader.unmap(name, "serviceType", problem)
    return {"name": shown, "bleeding_risk": "high"}


def _appointment(
    reader: _Reader, name: str, appointment: Mapping[str, Any], zone: ZoneInfo
) -> dict[str, Any]:
    start = _instant(name, "start", appointment.get("start"), zone)
    _offset_check(reader, name, "start", appointment["start"], start)
    procedure: dict[str, Any] = {"start": _local_text(start), "timezone": zone.key}
    if appointment.get("end") is not None:
        end = _instant(name, "end", appointment["end"], zone)
        span = end.astimezone(UTC) - start.astimezone(UTC)
        if not timedelta(0) < span <= timedelta(hours=_MAX_HOURS):
            raise InputError(
                f"{name}.end", f"must be after start and within {_MAX_HOURS} hours of it"
            )
        procedure["end"] = _local_text(end)
    procedure.update(_procedure(reader, name, appointment))
    for participant in appointment.get("participant") or []:
        reference = (
            _reference(participant.get("actor")) if isinstance(participant, Mapping) else None
        )
        if reference is not None and reference.startswith("Patient/"):
            reader.patient_refs.add(reference)
    return procedure


# --- medicines ---------------------------------------------------------------------------------


def _words(text: str) -> str:
    """Text as its lower-case words, for matching a name inside a longer text."""
    return " ".join(re.findall(r"[0-9a-z]+", text.casefold()))


def _table_names(table: Table) -> dict[str, tuple[str, str]]:
    """Every generic and brand name of the table, by its words, with the name and the drug it names."""
    names: dict[str, tuple[str, str]] = {}
    for rule in table.rules:
        for entry in (*rule.drugs, *rule.brands):
            name = entry.partition("=")[0].strip()
            resolution = table.resolve(name)
            if resolution is not None and _words(name):
                names[_words(name)] = (name, resolution.drug)
    return names


def _name_in_text(table: Table, text: str) -> tuple[str, str] | None:
    """The table name (and its drug) found as whole words in ``text``, when the names found are of one drug."""
    words = f" {_words(text)} "
    found = [hit for key, hit in _table_names(table).items() if f" {key} " in words]
    if len({drug for _, drug in found}) != 1:
        return None
    return max(found, key=lambda hit: len(hit[0]))


def _concept(
    reader: _Reader, name: str, resource: Mapping[str, Any], contained: Sequence[Any]
) -> Mapping[str, Any] | None:
    """The medicine's CodeableConcept: its own, or its contained or referenced Medication's code."""
    if isinstance(resource.get("medicationCodeableConcept"), Mapping):
        concept: Mapping[str, Any] = resource["medicationCodeableConcept"]
        return concept
    reference = _reference(resource.get("medicationReference"))
    if reference is None:
        return None
    medication: Mapping[str, Any] | None = None
    if reference.startswith("#"):
        medication = next(
            (
                c
                for c in contained
                if isinstance(c, Mapping)
                and c.get("resourceType") == "Medication"
                and c.get("id") == reference[1:]
            ),
            None,
        )
    else:
        medication = reader.by_reference.get(reference)
        if medication is not None:
            reader.used_medications.add(reference)
    if medication is None:
        reader.unmap(
            name,
            "medicationReference",
            f"{reference} is not in the bundle (nor contained): the medicine is not known",
        )
        return None
    code = medication.get("code")
    return code if isinstance(code, Mapping) else None


def _coded(reader: _Reader, name: str, concept: Mapping[str, Any] | None) -> dict[str, str]:
    """The drugs the concept's codes name, each with the table name its code stands for."""
    table, field = reader.table, "medication"
    coded: dict[str, str] = {}  # drug -> the table name the code stands for
    for coding in _codings(concept):
        system, code = coding.get("system"), str(coding.get("code") or "").strip()
        if not code:
            continue
        if system == ATC:
            resolution = table.resolve(code)
            if resolution is not None:
                coded.setdefault(resolution.drug, code)
            continue
        row = reader.codes.get(str(system), code)
        if row is None:
            continue
        if not row.confirmed:
            reader.unmap(
                name,
                field,
                f"{_SYSTEM_LABELS.get(str(system), system)} {code} is listed for {row.name} in "
                f"medication_codes.csv but not confirmed (evidence U): not used to identify it",
            )
            continue
        resolution = table.resolve(row.name)
        assert resolution is not None  # noqa: S101 - the code map was checked against the table
        coded.setdefault(resolution.drug, row.name)
    return coded


def _medicine_name(  # noqa: C901 - codes, then the exact text, then words of the text, then whatever names it
    reader: _Reader, name: str, concept: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The request's name (and a regimen a code implies) from the codes, else the text."""
    table, field = reader.table, "medication"
    coded = _coded(reader, name, concept)
    texts = [_clean(t) for t in _codeable_texts(concept) if _clean(t)]
    if len(coded) > 1:
        reader.unmap(
            name,
            field,
            f"its codes name different medicines ({', '.join(sorted(coded))}): planned by its text; confirm which",
        )
        coded = {}
    if coded:
        ((drug, code_name),) = coded.items()
        for text in texts:
            # A text as pasted (Eliquis 5mg tablets) is read as the planner reads it.
            resolution = table.match(text)[0]
            if resolution is not None and resolution.drug != drug:
                reader.unmap(
                    name,
                    field,
                    f"its code says {drug} but its text {_shown(text)} says {resolution.drug}: "
                    f"planned as {drug}; confirm which",
                )
        same = [t for t in texts if (r := table.match(t)[0]) is not None and r.drug == drug]
        return _with_regimen(table, same[0] if same else _generic(table, code_name), code_name)
    for text in texts:
        if table.match(text)[0] is not None:
            return {"name": text}
    for text in texts:
        hit = _name_in_text(table, text)
        if hit is not None:
            reader.unmap(
                name,
                field,
                f"read as {hit[1]} from the words of {_shown(text)}: confirm the medicine",
            )
            return {"name": hit[0]}
    if texts:
        return {"name": texts[0]}
    shown = next(
        (
            f"{_SYSTEM_LABELS.get(str(c.get('system')), 'code')} {c.get('code')}"
            for c in _codings(concept)
            if c.get("code")
        ),
        None,
    )
    if shown is None:
        reader.unmap(name, field, "names no medicine (no code, no text): not planned")
        return {}
    return {"name": _clean(shown)}


def _generic(table: Table, name: str) -> str:
    """An ATC code's generic name (a pharmacist reads warfarin, not B01AA03); other names as they are."""
    resolution = table.resolve(name)
    if resolution is not None and re.fullmatch(r"[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}", name):
        return resolution.drug
    return name


def _with_regimen(table: Table, chosen: str, code_name: str) -> dict[str, Any]:
    """The name, with the regimen the code implies when the chosen name does not imply it."""
    by_code, by_name = table.resolve(code_name), table.resolve(chosen)
    entry: dict[str, Any] = {"name": chosen}
    if (
        by_code is not None
        and by_code.regimen is not None
        and (by_name is None or by_name.regimen is None)
    ):
        entry["regimen"] = by_code.regimen.value
    return entry


def _clock(value: str) -> str:
    return value[:5]


def _assumed(frequency: int, period: float, unit: str) -> tuple[str, ...] | None:
    """Clock times for ``frequency`` doses per ``period`` ``unit``, or None when medplan cannot date it."""
    if unit == "d" and period == 1:
        return ASSUMED_TIMES.get(frequency)
    if unit == "h" and frequency == 1 and period in {6, 8, 12, 24}:
        # Every N hours from 08:00.
        return tuple(
            sorted(f"{(8 + k * int(period)) % 24:02d}:00" for k in range(24 // int(period)))
        )
    if unit == "wk" and period == 1 and frequency == 1:
        return ASSUMED_TIMES[1]
    return None


def _timing(  # noqa: PLR0911 - one return per way FHIR says when a dose is taken
    reader: _Reader, name: str, field: str, timing: Mapping[str, Any]
) -> tuple[list[str], list[str], str | None, bool]:
    """One dosage's times, weekdays, the reason the times were assumed (None if given), and weekliness."""
    repeat = timing.get("repeat") if isinstance(timing.get("repeat"), Mapping) else {}
    assert isinstance(repeat, Mapping)  # noqa: S101 - narrowed above
    days = [WEEKDAY_NAMES[_FHIR_DAYS.index(d)] for d in repeat.get("dayOfWeek") or []]
    weekly = repeat.get("periodUnit") == "wk"
    if repeat.get("timeOfDay"):
        return [_clock(t) for t in repeat["timeOfDay"]], days, None, weekly
    if repeat.get("when"):
        known = [WHEN_TIMES[w] for w in repeat["when"] if w in WHEN_TIMES]
        unknown = [w for w in repeat["when"] if w not in WHEN_TIMES]
        if unknown:
            reader.unmap(
                name, f"{field}.repeat.when", f"{', '.join(unknown)} is not a time medplan can date"
            )
        if known:
            return known, days, f"from when {', '.join(repeat['when'])}", weekly
        return [], days, None, weekly
    if repeat.get("frequency") is not None or repeat.get("period") is not None:
        frequency = int(repeat.get("frequency") or 1)
        period = float(repeat.get("period") or 1)
        unit = str(repeat.get("periodUnit") or "")
        times = _assumed(frequency, period, unit)
        said = f"{frequency} per {period:g} {unit}"
        if times is None:
            reader.unmap(
                name,
                f"{field}.repeat",
                f"{said} cannot be given to medplan as usual times: the dose times are needed",
            )
            return [], days, None, weekly
        return list(times), days, f"from {said}", weekly
    code = next((c.get("code") for c in _codings(timing.get("code"))), None)
    if code in _TIMING_CODES:
        return (
            list(ASSUMED_TIMES[_TIMING_CODES[str(code)]]),
            days,
            f"from timing code {code}",
            weekly,
        )
    if code in _TIMING_CLOCK:
        return [_TIMING_CLOCK[str(code)]], days, f"from timing code {code}", weekly
    if code is not None or timing:
        reader.unmap(name, field, "gives no time medplan can read: the dose times are needed")
    return [], days, None, weekly


def _dosage(  # noqa: C901 - each dosage's parts, then what to say of them
    reader: _Reader, name: str, key: str, dosages: Iterable[Any]
) -> dict[str, Any]:
    """The request's times, days and dose from the dosage list (every entry's times together)."""
    times: list[str] = []
    days: list[str] = []
    assumed: list[str] = []
    dose: str | None = None
    weekly = False
    as_needed = False
    for index, dosage in enumerate(dosages):
        if not isinstance(dosage, Mapping):  # pragma: no cover - validated: a Dosage is an object
            continue
        field = f"{key}[{index}]"
        if dose is None:
            dose = _dose(dosage)
        as_needed = (
            as_needed
            or dosage.get("asNeededBoolean") is True
            or "asNeededCodeableConcept" in dosage
        )
        timing = dosage.get("timing")
        if isinstance(timing, Mapping):
            got, on, why, is_weekly = _timing(reader, name, f"{field}.timing", timing)
            times += [t for t in got if t not in times]
            days += [d for d in on if d not in days]
            weekly = weekly or is_weekly
            if why is not None:
                assumed.append(why)
    entry: dict[str, Any] = {}
    if times:
        entry["times"] = sorted(times)
    if days:
        entry["days"] = days
    if dose is not None:
        entry["dose"] = dose
    if assumed:
        reader.unmap(
            name,
            key,
            f"dose times assumed {'; '.join(assumed)} ({', '.join(sorted(times))}): confirm the patient's usual times",
        )
    if weekly and not days:
        reader.unmap(
            name, key, "taken weekly, but on which weekday is not recorded: confirm the day"
        )
    if as_needed and not times:
        reader.note(name, key, "taken as needed: planned without usual dose times")
    return entry


def _dose(dosage: Mapping[str, Any]) -> str | None:
    if isinstance(dosage.get("text"), str) and _clean(dosage["text"]):
        return _clean(dosage["text"])
    for rate in dosage.get("doseAndRate") or []:
        quantity = rate.get("doseQuantity") if isinstance(rate, Mapping) else None
        if isinstance(quantity, Mapping) and quantity.get("value") is not None:
            unit = quantity.get("unit") or quantity.get("code") or ""
            return (
                _clean(f"{quantity['value']:g} {unit}".strip())
                if isinstance(quantity["value"], int | float)
                else None
            )
    return None


def _medication(reader: _Reader, name: str, resource: Mapping[str, Any]) -> dict[str, Any] | None:
    kind = resource["resourceType"]
    status = str(resource.get("status") or "")
    active, inactive = (
        (_ACTIVE_STATEMENT, _INACTIVE_STATEMENT)
        if kind == "MedicationStatement"
        else (_ACTIVE_REQUEST, _INACTIVE_REQUEST)
    )
    _refuse_another_patient(reader, name, resource, "subject")
    concept = _concept(reader, name, resource, resource.get("contained") or [])
    if status in inactive:
        label = _clean((_codeable_texts(concept) or ["the medicine"])[0], _SHOWN)
        reader.note(name, "status", f"{label} is {status}: not planned")
        return None
    if status not in active:
        reader.unmap(
            name, "status", f"{status!r} is not a {kind} status medplan knows: not planned"
        )
        return None
    entry = _medicine_name(reader, name, concept)
    if not entry:
        return None
    if status in _CONFIRM_STATUS:
        reader.unmap(name, "status", f"is {status}: confirm the patient is taking {entry['name']}")
    key = "dosage" if kind == "MedicationStatement" else "dosageInstruction"
    entry.update(_dosage(reader, name, key, resource.get(key) or []))
    return entry


# --- observations ------------------------------------------------------------------------------


def _when(observation: Mapping[str, Any]) -> datetime | None:
    for key in ("effectiveDateTime", "effectiveInstant", "issued"):
        value = observation.get(key)
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)
    period = observation.get("effectivePeriod")
    if isinstance(period, Mapping) and isinstance(period.get("end") or period.get("start"), str):
        return _when({"effectiveDateTime": period.get("end") or period.get("start")})
    return None


def _unit_ok(measure: _Measure, quantity: Mapping[str, Any]) -> bool:
    code, system = quantity.get("code"), quantity.get("system")
    if code is not None and system in {None, UCUM}:
        return code in measure.ucum
    return quantity.get("unit") in measure.units


def _observation(  # noqa: PLR0911 - one return per reason a result is not used
    reader: _Reader, name: str, resource: Mapping[str, Any], found: dict[str, list[Any]]
) -> None:
    _refuse_another_patient(reader, name, resource, "subject")
    loinc = next(
        (
            str(c.get("code"))
            for c in _codings(resource.get("code"))
            if c.get("system") == LOINC and c.get("code") in OBSERVATIONS
        ),
        None,
    )
    if loinc is None:
        shown = (_codeable_texts(resource.get("code")) or ["(no text)"])[0]
        reader.unmap(name, "code", f"{_shown(shown)} is not an observation medplan reads: not used")
        return
    status = str(resource.get("status") or "")
    if status in _RESULT_VOID:
        reader.note(name, "status", f"is {status}: not used")
        return
    if status not in _RESULT_FINAL:
        reader.unmap(name, "status", f"is {status or 'missing'}, not final: not used")
        return
    quantity = resource.get("valueQuantity")
    if not isinstance(quantity, Mapping) or not isinstance(quantity.get("value"), int | float):
        reader.unmap(name, "valueQuantity", "gives no number: not used")
        return
    value, measure = float(quantity["value"]), OBSERVATIONS[loinc]
    when = _when(resource)
    on = "" if when is None else f" on {when:%Y-%m-%d}"
    unit = str(quantity.get("code") or quantity.get("unit") or "no unit")
    if isinstance(measure, str):
        reader.unmap(
            name,
            "valueQuantity",
            f"INR {value:g}{on}: INR result carried for the pharmacist (medplan's request has no INR field)",
        )
        return
    if not _unit_ok(measure, quantity):
        reader.unmap(
            name,
            "valueQuantity",
            f"{measure.label} in {unit!r}, not {' or '.join(sorted(measure.ucum))}: not used",
        )
        return
    low, high = PATIENT_RANGES[measure.field]
    if not low <= value <= high:
        reader.unmap(
            name,
            "valueQuantity",
            f"{measure.label} {value:g} {unit} is outside {low:g} to {high:g}: not used",
        )
        return
    if loinc == _MEASURED_CRCL:
        reader.unmap(
            name,
            "code",
            f"creatinine clearance {value:g} mL/min{on} is a measured 24-hour urine clearance "
            "(LOINC 2164-2), not the Cockcroft-Gault estimate the rules use: confirm it",
        )
    found.setdefault(measure.field, []).append((when, value, name, measure.label))


def _patient_values(reader: _Reader, found: Mapping[str, list[Any]]) -> dict[str, float]:
    """The latest value of each measure; the others are noted, undated ones when several are."""
    values: dict[str, float] = {}
    for field, readings in found.items():
        dated = sorted(
            (r for r in readings if r[0] is not None), key=lambda r: r[0].astimezone(UTC)
        )
        undated = [r for r in readings if r[0] is None]
        if len(readings) == 1:
            values[field] = readings[0][1]
            continue
        if not dated:
            for _, value, name, label in undated:
                reader.unmap(
                    name,
                    "effective",
                    f"one of several undated {label} values ({value:g}): none used",
                )
            continue
        latest = dated[-1]
        values[field] = latest[1]
        for when, value, name, label in [*dated[:-1], *undated]:
            said = "undated" if when is None else f"of {when:%Y-%m-%d}"
            reader.note(name, "effective", f"{label} {value:g} {said}: a later value is used")
    return values


# --- the whole bundle --------------------------------------------------------------------------


def request_from_bundle(  # noqa: C901, PLR0912, PLR0915 - one branch per resource type, read in one pass
    bundle: Mapping[str, Any],
    *,
    timezone: str | None = None,
    now: datetime | str | None = None,
    policy: Mapping[str, Any] | None = None,
    table: Table | None = None,
    codes: Codes | None = None,
    catalogue: Catalogue | None = None,
) -> FhirRequest:
    """Read a FHIR R4 Bundle as a medplan request, listing everything it could not map.

    Args:
        bundle: The Bundle as decoded JSON: one Appointment to plan, and the
            patient's Patient, MedicationStatement, MedicationRequest,
            Medication and Observation resources.
        timezone: The procedure's IANA zone (``Australia/Perth``); required,
            since a FHIR instant carries a UTC offset, not a zone.
        now: When the booking is made, as :func:`medplan.plan` takes it.
        policy: The request's ``policy`` (a profile name, inline settings).
        table: The drug table names are resolved in; the bundled one when None.
        codes: The RxNorm and SNOMED CT code map; the bundled one when None.
        catalogue: The procedure catalogue; the bundled one when None.

    Returns:
        The request mapping, with every unmapped item among its
        ``review_reasons``, and the notes.

    Raises:
        InputError: No zone; a bundle that is not a Bundle; no Appointment
            (or several); an Appointment that is not valid FHIR, or whose
            start is missing or cannot be a local time. The field names the
            resource (``Appointment/a1.start``).
        MissingExtraError: The ``fhir`` extra is not installed.
    """
    models = _import_models()
    if timezone is None:
        raise InputError(
            "timezone",
            "is required: a FHIR instant carries a UTC offset, not the procedure's IANA zone",
        )
    zone = parse_zone("timezone", timezone)
    table = default_table() if table is None else table
    reader = _Reader(
        table,
        default_codes() if codes is None else codes,
        default_catalogue() if catalogue is None else catalogue,
    )
    resources = _resources(bundle, models)
    valid: list[tuple[str, Mapping[str, Any]]] = []
    for name, resource, full_url in resources:
        problem = _validate(models, resource)
        if problem is not None:
            if resource["resourceType"] == "Appointment":
                raise InputError(name, f"is not valid FHIR R4: {problem}")
            reader.unmap(name, "", f"is not valid FHIR R4 ({problem}): not used")
            continue
        valid.append((name, resource))
        reader.by_reference[name] = resource
        if full_url is not None:
            reader.by_reference[full_url] = resource
    appointments = [(n, r) for n, r in valid if r["resourceType"] == "Appointment"]
    for name, appointment in appointments:
        if appointment.get("status") in _APPOINTMENT_VOID:
            reader.note(name, "status", f"is {appointment['status']}: not planned")
    appointments = [(n, r) for n, r in appointments if r.get("status") not in _APPOINTMENT_VOID]
    if len(appointments) != 1:
        shown = ", ".join(n for n, _ in appointments)
        raise InputError(
            "Bundle.entry",
            "holds no Appointment to plan"
            if not appointments
            else f"holds {len(appointments)} appointments ({shown}): send one per bundle",
        )
    patients = [(n, r) for n, r in valid if r["resourceType"] == "Patient"]
    if len(patients) > 1:
        raise InputError(
            "Bundle.entry", f"holds {len(patients)} Patient resources: one bundle is one patient's"
        )
    name, appointment = appointments[0]
    procedure = _appointment(reader, name, appointment, zone)
    full_urls = {n: url for n, _, url in resources if url is not None}
    _one_patient(reader, name, patients, full_urls)
    medications: list[dict[str, Any]] = []
    found: dict[str, list[Any]] = {}
    for name, resource in valid:
        kind = resource["resourceType"]
        if kind in {"Appointment", "Patient", "Medication"}:
            continue
        if kind in {"MedicationStatement", "MedicationRequest"}:
            entry = _medication(reader, name, resource)
            if entry is not None:
                medications.append(entry)
        elif kind == "Observation":
            _observation(reader, name, resource, found)
        else:
            reader.unmap(name, "", f"medplan does not read {kind} resources: not used")
    for name, resource in valid:
        # A medicine record may refer to it by its Type/id or by its entry's fullUrl.
        used = any(reader.by_reference.get(ref) is resource for ref in reader.used_medications)
        if resource["resourceType"] == "Medication" and not used:
            reader.note(name, "", "no medicine record refers to it: not used")
    request: dict[str, Any] = {
        "booking_id": _clean(f"{appointments[0][0]}"),
        "procedure": procedure,
        "medications": medications,
    }
    patient = _patient_values(reader, found)
    if patient:
        request["patient"] = patient
    if now is not None:
        request["now"] = now.isoformat(timespec="minutes") if isinstance(now, datetime) else now
    if policy is not None:
        request["policy"] = dict(policy)
    if reader.unmapped:
        request["review_reasons"] = capped_reasons([str(item) for item in reader.unmapped])
    return FhirRequest(request=request, unmapped=tuple(reader.unmapped), notes=tuple(reader.notes))


def capped_reasons(reasons: Sequence[str]) -> list[str]:
    """Review reasons as a request takes them: each cut to its length limit, and at most 200.

    A bundle may hold any number of entries medplan cannot use; the request
    takes 200 reasons (its schema's limit). Past that, the last reason says
    how many more there are, so the plan still comes back, needing review,
    and nothing is dropped unsaid (the FHIR route's ``unmapped`` lists all).
    """
    shown = [_clean(reason, _MAX_REASON) for reason in reasons]
    if len(shown) <= _MAX_REVIEW_REASONS:
        return shown
    kept = _MAX_REVIEW_REASONS - 1
    more = len(shown) - kept
    return [
        *shown[:kept],
        f"and {more} more items of the bundle medplan could not use: review the whole bundle",
    ]


def plan_bundle(
    bundle: Mapping[str, Any],
    *,
    timezone: str | None = None,
    now: datetime | str | None = None,
    policy: Mapping[str, Any] | None = None,
    table: Table | None = None,
    profiles: Profiles | None = None,
    clock: datetime | None = None,
) -> Plan:
    """Plan a FHIR R4 Bundle: :func:`request_from_bundle`, then :func:`medplan.plan`.

    ``clock`` is the caller's clock, the moment of a bundle planned without
    ``now``, as :func:`medplan.plan` takes it.

    Every unmapped item is one of the plan's ``review_reasons``, so a plan
    from a bundle with anything medplan could not map needs review. What was
    skipped on purpose is in :func:`request_from_bundle`'s ``notes``.

    Raises:
        InputError: As :func:`request_from_bundle`, or for the request it makes.
        MissingExtraError: The ``fhir`` extra is not installed.
    """
    read = request_from_bundle(bundle, timezone=timezone, now=now, policy=policy, table=table)
    return plan(read.request, table=table, profiles=profiles, clock=clock)
