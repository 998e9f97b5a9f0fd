"""Clinic policy profiles: named policies in a TOML file a pharmacist reads and edits.

The bundled ``data/policies.toml`` holds the project's profiles; a clinic may
keep its own file in the same format (``medplan plan --policies FILE``). A
request names a profile as ``policy.profile`` and may override its settings
inline. Each profile is one table under ``profiles``, named as requests name
it::

    [profiles.dr-jones]
    description = "Dr Jones holds P2Y12 antiplatelets 10 days (her request, 2026)."
    antiplatelet_hold_days = 10

Keys of a profile (only ``description`` is required; a setting left out
keeps the built-in default, the seed article's policy, see
:class:`medplan.Policy`):

- ``description``: one line: what the profile does and on whose authority (a
  published source, or the clinician who asked for it).
- ``inr_max``: the highest INR at which the procedure goes ahead, 1.0 to 3.0.
- ``inr_check_day``: -1 (the day before) or 0 (the morning of the procedure).
- ``antiplatelet_hold_days``: a radiologist's preferred hold for P2Y12
  antiplatelets, 0 to 30 days; it lengthens a table hold, never shortens one.
- ``anticoagulant_resume_next_day``: true or false.
- ``aspirin_before_intermediate``: where the table asks for review of
  aspirin before an intermediate-risk procedure, ``continue`` (the seed's
  choice, the default), ``hold`` (the table's high-risk hold) or ``table``
  (leave it to the table's review).
- ``variants``: drug class = the variant the clinic follows
  (``{ glp1-ra = "multisociety-2024" }``).
- ``bleeding_risk``: procedure code = the tier the clinic plans it at
  (``{ tfesi-lumbar = "high" }``).
- ``lab_weekdays``: the days the laboratory takes blood tests, a list of
  weekday names, ``monday`` to ``sunday`` (``["monday", "friday"]``); a test
  due on another day moves to the nearest open one (:mod:`medplan.planning.lab_days`).
- ``lab_country``: the ISO 3166 code (``GB``, ``AU``) whose public holidays
  close the laboratory, as the ``holidays`` package knows them.
- ``lab_subdivision``: the region of ``lab_country`` (``ENG``, ``WA``) whose
  holidays also close it; it needs ``lab_country``.
- ``bridging_agent``: the heparin that bridges warfarin, ``enoxaparin`` or
  ``dalteparin``.
- ``bridging_regimen``: ``twice-daily`` or ``once-daily``.
- ``bridging_times``: the injections' wall-clock times, one or two ``"HH:MM"``
  (``["08:00", "20:00"]``); twice-daily needs two, once-daily uses the first.
- ``approved_by``, ``approved_on``, ``reference``: who approved the profile's
  numbers, when (a date), and what they were read from; all three or none,
  and required with ``rules``. The plan cites them where it uses a number
  the profile fixes.
- ``rules``: the clinic's protocol, drug class -> tier -> ``"continue"`` or
  ``{ hold = "N days", resume = "N hours" }``, used instead of the table's
  row for that class and tier (docs/policies.md). Not an inline setting: a
  protocol carries its approval, so it lives in a file.

The file is validated on load, all or nothing: the first problem stops the
load with a :class:`~medplan.PolicyError` naming the file and the key
(``policies.toml: profiles.dr-jones.inr_max: must be a number (got text)``).
An inline ``policy`` in a request is validated by the same code
(:func:`apply_settings`), so the rules and the messages are the same.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import attrs

from medplan._attrsrepr import AttrsValue
from medplan._lazyre import LazyPattern
from medplan.exceptions import PolicyError
from medplan.field_checks import FieldChecks, clock_time, weekday
from medplan.jsonlines import NumberBeyondRange, number_as_sent
from medplan.model import (
    Action,
    Approval,
    BleedingRisk,
    ClinicRule,
    Interval,
    Policy,
    Unit,
)
from medplan.planning.lab_days import RegionError, check_region
from medplan.tables.drug_classes import default_table, load_table
from medplan.tables.loader import data_text, text_digest
from medplan.tables.procedures import Catalogue, default_catalogue

if TYPE_CHECKING:
    from pathlib import Path  # only named in annotations (see tables.loader)

from medplan.tables.drug_classes import Table

__all__ = [
    "APPROVAL_KEYS",
    "BUNDLED",
    "PROFILE_KEYS",
    "SETTINGS",
    "Profile",
    "Profiles",
    "SettingError",
    "apply_settings",
    "default_profiles",
    "key_path",
    "load_profiles",
    "load_profiles_for_table",
    "parse_profiles",
    "table_and_profiles",
]

BUNDLED = "policies.toml"
SETTINGS = (
    "inr_max",
    "inr_check_day",
    "antiplatelet_hold_days",
    "anticoagulant_resume_next_day",
    "aspirin_before_intermediate",
    "variants",
    "bleeding_risk",
    "lab_weekdays",
    "lab_country",
    "lab_subdivision",
    "bridging_agent",
    "bridging_regimen",
    "bridging_times",
)
# Who approved a profile's numbers: required with rules, and all three or none.
APPROVAL_KEYS = ("approved_by", "approved_on", "reference")
PROFILE_KEYS = ("description", *APPROVAL_KEYS, *SETTINGS, "rules")

# A request types the profile's name, so it is kept to what needs no quoting.
_PROFILE_NAME = LazyPattern(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Drug classes and variants are the table's ids (tables.loader.slug_cell).
_SLUG = LazyPattern(r"[a-z0-9]+(?:[-.:][a-z0-9]+)*")
_BARE_KEY = LazyPattern(r"[A-Za-z0-9_-]+")
# "table" is how a file, which has no null, says: no choice, follow the table.
_ASPIRIN: dict[str, Action | None] = {
    "continue": Action.CONTINUE,
    "hold": Action.HOLD,
    "table": None,
}
_TIERS = tuple(t.value for t in BleedingRisk)
_BRIDGING_AGENTS = ("enoxaparin", "dalteparin")
# How many injection times each regimen takes, in words (once-daily uses the first).
_BRIDGING_TIMES = {"twice-daily": {2: "two"}, "once-daily": {1: "one", 2: "two"}}
# A rule's hold and restart are written as the table writes them, within its limits.
_INTERVAL = LazyPattern(r"(\d{1,4}) (day|days|hour|hours)")
_MAX_DAYS = 60
_RULE_KEYS = ("hold", "resume")


class SettingError(Exception):
    """A problem with one policy setting, before the caller says where the settings came from.

    Attributes:
        key: The setting at fault, as a dotted path (``bleeding_risk.tfesi-lumbar``).
        problem: What is wrong.
    """

    def __init__(self, key: str, problem: str) -> None:
        """Name the setting and the problem."""
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Profile(AttrsValue):
    """One named profile of a policy file: its description and the policy it gives."""

    name: str
    description: str
    policy: Policy


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Profiles(AttrsValue):
    """The loaded, validated profiles of one policy file, in the file's order.

    Attributes:
        file: The file, as it was named (``policies.toml`` for the bundled one).
        version: The file's name and a hash of its text, as a table's version.
        profiles: The profiles by name.
    """

    file: str
    version: str
    profiles: Mapping[str, Profile]

    def get(self, name: str) -> Profile | None:
        """The profile with this name, if the file has one."""
        return self.profiles.get(name)

    @property
    def names(self) -> tuple[str, ...]:
        """The profiles' names, in the file's order."""
        return tuple(self.profiles)


def key_path(*keys: str) -> str:
    """A dotted key path; a key that TOML could not write bare is quoted.

    >>> key_path("profiles", "dr-jones", "bleeding_risk", "tfesi lumbar")
    'profiles.dr-jones.bleeding_risk."tfesi lumbar"'
    """
    return ".".join(k if _BARE_KEY.fullmatch(k) else json.dumps(k) for k in keys)


# The kinds of value JSON and TOML decode to, in words for both; bool before int.
_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (type(None), "null"),
    (bool, "true/false"),
    ((int, float), "a number"),
    (str, "text"),
    (list, "a list"),
    (Mapping, "an object"),
    ((datetime, date, time), "a date or time"),
)


def _kind(value: object) -> str:
    """The kind of a value, for a message: ``text``, ``a number``."""
    return next((word for kind, word in _KINDS if isinstance(value, kind)), type(value).__name__)


# A setting's problem names its key, even for one item of a list.
_CHECKS = FieldChecks(error=SettingError, kind=_kind)


def _integer(key: str, value: object, *, low: int, high: int) -> int:
    if isinstance(value, NumberBeyondRange) or (
        isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high
    ):
        raise SettingError(key, f"must be between {low} and {high} (got {number_as_sent(value)})")
    if isinstance(value, bool) or not isinstance(value, int):
        shown = repr(value) if isinstance(value, float) else _kind(value)
        raise SettingError(key, f"must be a whole number (got {shown})")
    return value


def _aspirin(key: str, value: object) -> Action | None:
    return _ASPIRIN[_CHECKS.choice(key, value, tuple(_ASPIRIN))]


def _text(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise SettingError(key, f"must be text (got {_kind(value)})")
    return value


def _weekdays(key: str, value: object) -> tuple[int, ...]:
    """A list of weekday names -> the weekdays as numbers, Monday (0) first."""
    expected = "must be a list of weekdays, monday to sunday"
    if not isinstance(value, list):
        raise SettingError(key, f"{expected} (got {_kind(value)})")
    if not value:
        raise SettingError(key, "must name at least one weekday (got an empty list)")
    return _CHECKS.each_once(key, value, weekday, expected=expected)


def _times(key: str, value: object) -> tuple[time, ...]:
    """A list of one or two "HH:MM" -> the times, earliest first."""
    if not isinstance(value, list):
        raise SettingError(key, f'must be a list of one or two times "HH:MM" (got {_kind(value)})')
    if not 1 <= len(value) <= 2:  # noqa: PLR2004
        raise SettingError(key, f"must have one or two times (got {len(value)})")
    # TOML reads an unquoted 08:00:00 as a time, "a date or time" here: quote it.
    return _CHECKS.each_once(
        key, value, clock_time, expected='must be times "HH:MM", 00:00 to 23:59'
    )


# The settings that are one value each, and how each is checked.
_SCALARS: dict[str, Callable[[str, object], object]] = {
    "inr_max": functools.partial(_CHECKS.number, low=1.0, high=3.0),
    "inr_check_day": functools.partial(_integer, low=-1, high=0),
    "antiplatelet_hold_days": functools.partial(_integer, low=0, high=30),
    "anticoagulant_resume_next_day": _CHECKS.boolean,
    "aspirin_before_intermediate": _aspirin,
    "lab_weekdays": _weekdays,
    "lab_country": _text,
    "lab_subdivision": _text,
    "bridging_agent": functools.partial(_CHECKS.choice, allowed=_BRIDGING_AGENTS),
    "bridging_regimen": functools.partial(_CHECKS.choice, allowed=tuple(_BRIDGING_TIMES)),
    "bridging_times": _times,
}


def _check_together(policy: Policy, changed: Collection[str]) -> None:
    """Check the settings valid only together, where ``changed`` names one of them.

    The base policy was checked when it was made, so nothing it already had
    is blamed on the settings that override it.
    """
    if {"lab_country", "lab_subdivision"} & set(changed):
        try:
            check_region(policy.lab_country, policy.lab_subdivision)
        except RegionError as error:
            raise SettingError(error.key, error.problem) from None
    if {"bridging_regimen", "bridging_times"} & set(changed):
        counts = _BRIDGING_TIMES[policy.bridging_regimen]
        got = len(policy.bridging_times)
        if got not in counts:
            problem = (
                f"{policy.bridging_regimen} needs {' or '.join(counts.values())} times (got {got})"
            )
            raise SettingError("bridging_times", problem)


def _mapping(key: str, value: object, expected: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise SettingError(key, f"must map {expected} (got {_kind(value)})")
    return value


def _drug_class_id(key: str, drug_class: str) -> None:
    """Without the table to look it up in, a drug class is at least written as the table's ids are."""
    if _SLUG.fullmatch(drug_class) is None:
        problem = "is not a drug class: use the table's id, lower-case letters, digits and - . :"
        raise SettingError(key, problem)


def _variants(
    value: object, table_variants: Mapping[str, Collection[str]] | None
) -> dict[str, str]:
    """Drug class -> variant; checked against the table's variants when they are given."""
    chosen: dict[str, str] = {}
    for drug_class, variant in _mapping("variants", value, "each drug class to a variant").items():
        key = key_path("variants", drug_class)
        if table_variants is None:
            _drug_class_id(key, drug_class)
        elif drug_class not in table_variants:
            known = ", ".join(sorted(table_variants)) or "none"
            problem = (
                f"is not a drug class the table gives variants for (it gives them for: {known})"
            )
            raise SettingError(key, problem)
        if not isinstance(variant, str):
            raise SettingError(key, f"must be the name of a variant (got {_kind(variant)})")
        if table_variants is None:
            if _SLUG.fullmatch(variant) is None:
                problem = f"must be a variant's name: lower-case letters, digits and - . : (got {variant!r})"
                raise SettingError(key, problem)
        else:
            _CHECKS.choice(key, variant, tuple(table_variants[drug_class]))
        chosen[drug_class] = variant
    return chosen


def _tiers(value: object, catalogue: Catalogue) -> dict[str, BleedingRisk]:
    """Procedure code -> tier; every code must be in the catalogue."""
    tiers: dict[str, BleedingRisk] = {}
    expected = "each procedure code to a bleeding-risk tier"
    for code, tier in _mapping("bleeding_risk", value, expected).items():
        key = key_path("bleeding_risk", code)
        if catalogue.get(code) is None:
            problem = "is not in the procedure catalogue ('medplan procedures' lists the codes)"
            raise SettingError(key, problem)
        tiers[code] = BleedingRisk(_CHECKS.choice(key, tier, _TIERS))
    return tiers


def apply_settings(
    base: Policy,
    settings: Mapping[str, object],
    *,
    catalogue: Catalogue,
    variants: Mapping[str, Collection[str]] | None = None,
) -> Policy:
    """``base`` with the policy settings in ``settings`` validated and applied.

    A setting that is absent or ``None`` keeps ``base``'s value.
    ``variants`` and ``bleeding_risk`` are merged into ``base``'s, key by key:
    a profile's other choices survive an inline override of one of them.
    Settings valid only together are checked on the result, once all are
    applied: ``lab_subdivision`` must be a region of ``lab_country``, and
    ``bridging_times`` must suit ``bridging_regimen`` (twice-daily needs
    two; once-daily takes one or two and uses the first).

    Args:
        base: The policy the settings override.
        settings: Setting name -> value, as decoded from TOML or JSON; only
            the names in :data:`SETTINGS`.
        catalogue: The procedure catalogue ``bleeding_risk``'s codes must be in.
        variants: The table's variants, drug class -> the variants it gives;
            when None, only the shape of ``variants`` is checked.

    Returns:
        The new policy; ``base``'s name and source are kept.

    Raises:
        SettingError: Naming the first setting at fault, as a dotted path.

    >>> policy = apply_settings(
    ...     Policy(), {"inr_max": 1.4, "bleeding_risk": {"tfesi-lumbar": "high"}},
    ...     catalogue=default_catalogue())
    >>> policy.inr_max, policy.bleeding_risk_for("tfesi-lumbar").value
    (1.4, 'high')
    >>> apply_settings(Policy(), {"inr_max": "1.4"}, catalogue=default_catalogue())
    Traceback (most recent call last):
    medplan.tables.policies.SettingError: inr_max: must be a number (got text)
    """
    changes: dict[str, Any] = {}
    for key, value in settings.items():
        if value is None:
            continue
        if key in _SCALARS:
            changes[key] = _SCALARS[key](key, value)
        elif key == "variants":
            merged = dict(base.variants) | _variants(value, variants)
            changes[key] = tuple(merged.items())
        elif key == "bleeding_risk":
            merged_tiers = dict(base.bleeding_risk) | _tiers(value, catalogue)
            changes[key] = tuple(merged_tiers.items())
        else:
            problem = f"is not a policy setting (expected one of {', '.join(SETTINGS)})"
            raise SettingError(key, problem)
    policy = attrs.evolve(base, **changes)
    _check_together(policy, changes)
    return policy


def _interval(key: str, value: object) -> Interval:
    """``"10 days"`` or ``"24 hours"`` -> the interval, within the table's limits."""
    expected = "must be 'N days' or 'N hours'"
    if not isinstance(value, str):
        raise SettingError(key, f"{expected} (got {_kind(value)})")
    match = _INTERVAL.fullmatch(value)
    if match is None:
        raise SettingError(key, f"{expected} (got {value!r})")
    amount = int(match.group(1))
    unit = Unit.DAYS if match.group(2).startswith("day") else Unit.HOURS
    limit = _MAX_DAYS if unit is Unit.DAYS else 24 * _MAX_DAYS
    if amount > limit:
        raise SettingError(key, f"must be at most {limit} {unit.value} (got {value!r})")
    return Interval(amount, unit)


def _clinic_rule(key: str, drug_class: str, tier: BleedingRisk, value: object) -> ClinicRule:
    """One tier of a class: ``"continue"``, or ``{ hold = "N days", resume = "N hours" }``."""
    if value == "continue":
        return ClinicRule(drug_class=drug_class, bleeding_risk=tier, action=Action.CONTINUE)
    if not isinstance(value, Mapping):
        shown = _CHECKS.shown(value)
        problem = f'must be "continue" or {{ hold = "N days", resume = "N hours" }} (got {shown})'
        raise SettingError(key, problem)
    for part in value:
        if part not in _RULE_KEYS:
            raise SettingError(
                f"{key}.{part}", "is not a key medplan knows (expected hold, resume)"
            )
    for part in _RULE_KEYS:
        if part not in value:
            raise SettingError(f"{key}.{part}", "is required")
    hold = _interval(f"{key}.hold", value["hold"])
    resume = _interval(f"{key}.resume", value["resume"])
    return ClinicRule(
        drug_class=drug_class, bleeding_risk=tier, action=Action.HOLD, hold=hold, resume=resume
    )


def _rules(value: object, drug_classes: Collection[str] | None) -> tuple[ClinicRule, ...]:
    """Drug class -> tier -> rule; the classes checked against the table's when given."""
    rules: list[ClinicRule] = []
    for drug_class, tiers in _mapping("rules", value, "each drug class to its tiers").items():
        key = key_path("rules", drug_class)
        if drug_classes is None:
            _drug_class_id(key, drug_class)
        elif drug_class not in drug_classes:
            problem = "is not a drug class of the table (its drug_class column)"
            raise SettingError(key, problem)
        by_tier = _mapping(
            key, tiers, "each bleeding-risk tier (low, intermediate, high) to a rule"
        )
        if not by_tier:
            raise SettingError(
                key, "must give a rule for at least one tier (low, intermediate, high)"
            )
        for tier, rule in by_tier.items():
            tier_key = key_path("rules", drug_class, tier)
            if tier not in _TIERS:
                raise SettingError(
                    tier_key, f"is not a bleeding-risk tier (expected {', '.join(_TIERS)})"
                )
            rules.append(_clinic_rule(tier_key, drug_class, BleedingRisk(tier), rule))
    if not rules:
        raise SettingError(
            "rules", "must give at least one drug class, as [profiles.NAME.rules.CLASS]"
        )
    return tuple(rules)


def _approved_on(key: str, value: object) -> date:
    """A TOML date (2026-11-02), or the same as text."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
        shown = repr(value)
    else:
        shown = _kind(value)
    raise SettingError(key, f"must be a date, YYYY-MM-DD (got {shown})")


def _approval(body: Mapping[str, object]) -> Approval | None:
    """The profile's approval; required when it has rules, and all three keys or none."""
    given = [key for key in APPROVAL_KEYS if key in body]
    if not given and "rules" not in body:
        return None
    for key in APPROVAL_KEYS:
        if key not in body:
            if "rules" in body:
                problem = (
                    "is required: a profile with rules records who approved them (approved_by), "
                    "when (approved_on) and what the numbers were read from (reference)"
                )
            else:
                problem = f"is required with {given[0]}: an approval gives approved_by, approved_on and reference"
            raise SettingError(key, problem)
    return Approval(
        approved_by=_description("approved_by", body["approved_by"]),
        approved_on=_approved_on("approved_on", body["approved_on"]),
        reference=_description("reference", body["reference"]),
    )


def _description(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise SettingError(key, f"must be text (got {_kind(value)})")
    # A long description may be written over several lines; it is listed on one.
    text = " ".join(value.split())
    if not text:
        raise SettingError(key, "must not be empty")
    if any(not c.isprintable() for c in text):
        raise SettingError(key, "must not contain control characters")
    return text


def _profile(
    name: str,
    body: object,
    file: str,
    *,
    catalogue: Catalogue,
    variants: Mapping[str, Collection[str]] | None,
    drug_classes: Collection[str] | None,
    version: str,
) -> Profile:
    where = key_path("profiles", name)
    if _PROFILE_NAME.fullmatch(name) is None:
        problem = "is not a profile name: use lower-case letters, digits and - (a request names it in policy.profile)"
        raise PolicyError(file, where, problem)
    if not isinstance(body, Mapping):
        problem = f"must be a table of settings, [profiles.{name}] (got {_kind(body)})"
        raise PolicyError(file, where, problem)
    for key in body:
        if key not in PROFILE_KEYS:
            problem = f"is not a key medplan knows (expected one of {', '.join(PROFILE_KEYS)})"
            raise PolicyError(file, key_path("profiles", name, key), problem)
    if "description" not in body:
        raise PolicyError(file, f"{where}.description", "is required")
    try:
        description = _description("description", body["description"])
        approval = _approval(body)
        rules = _rules(body["rules"], drug_classes) if "rules" in body else ()
        policy = apply_settings(
            Policy(name=name, source=version, approval=approval, rules=rules),
            {key: body[key] for key in SETTINGS if key in body},
            catalogue=catalogue,
            variants=variants,
        )
    except SettingError as error:
        raise PolicyError(file, f"{where}.{error.key}", error.problem) from None
    return Profile(name=name, description=description, policy=policy)


def parse_profiles(
    text: str,
    file: str = BUNDLED,
    *,
    catalogue: Catalogue | None = None,
    variants: Mapping[str, Collection[str]] | None = None,
    drug_classes: Collection[str] | None = None,
) -> Profiles:
    r"""Validate a policy file's text and build its :class:`Profiles`.

    Args:
        text: The file's text, TOML.
        file: How errors and plans name the file.
        catalogue: The procedure catalogue ``bleeding_risk``'s codes must be
            in; the bundled one when omitted.
        variants: The table's variants (``Table.variants``) the profiles'
            ``variants`` must choose from; when None, only their shape is
            checked.
        drug_classes: The table's drug classes that ``rules`` may name;
            when None, only their shape is checked.

    Raises:
        PolicyError: Naming the file and the key of the first problem.

    >>> profiles = parse_profiles('''
    ... [profiles.dr-jones]
    ... description = "Dr Jones: P2Y12 antiplatelets held 10 days"
    ... antiplatelet_hold_days = 10
    ... ''', "clinic.toml")
    >>> policy = profiles.get("dr-jones").policy
    >>> policy.name, policy.antiplatelet_hold_days, policy.inr_max, policy.source
    ('dr-jones', 10, 1.5, 'clinic.toml sha256:b6ca8dbe2d11881d')
    >>> parse_profiles('[profiles.dr-jones]\ndescription = "x"\ninr_max = 5', "clinic.toml")
    Traceback (most recent call last):
    medplan.PolicyError: clinic.toml: profiles.dr-jones.inr_max: must be between 1 and 3 (got 5)
    """
    # The plan records the file and this hash as the policy's source, so an
    # audit can tell which edit of a clinic's file a plan was made with.
    version = f"{file} sha256:{text_digest(text)}"
    catalogue = default_catalogue() if catalogue is None else catalogue
    # Imported here: most plans name no profile, and a one-shot plan's
    # start-up should not pay for the TOML parser.
    import tomllib  # noqa: PLC0415

    try:
        # An editor may save the file with a byte-order mark, which TOML does not allow.
        document = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(file, None, f"not valid TOML: {error}") from None
    for key in document:
        if key != "profiles":
            problem = "is not a key medplan knows (expected profiles, as [profiles.NAME] tables)"
            raise PolicyError(file, key_path(key), problem)
    table = document.get("profiles", {})
    if not isinstance(table, Mapping):
        problem = f"must be a table of profiles, each [profiles.NAME] (got {_kind(table)})"
        raise PolicyError(file, "profiles", problem)
    if not table:
        raise PolicyError(file, None, "has no profiles: add one as a [profiles.NAME] table")
    profiles = {
        name: _profile(
            name,
            body,
            file,
            catalogue=catalogue,
            variants=variants,
            drug_classes=drug_classes,
            version=version,
        )
        for name, body in table.items()
    }
    return Profiles(file=file, version=version, profiles=profiles)


def load_profiles(
    path: str | Path | None = None,
    *,
    catalogue: Catalogue | None = None,
    variants: Mapping[str, Collection[str]] | None = None,
    drug_classes: Collection[str] | None = None,
) -> Profiles:
    """Read and validate a policy file; the bundled ``policies.toml`` when ``path`` is None.

    Errors and plans name a given file by its path as given.

    Raises:
        PolicyError: When the file cannot be read or is malformed.
    """
    file = BUNDLED if path is None else str(path)
    try:
        text = data_text(path, BUNDLED)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise PolicyError(file, None, f"cannot be read ({reason})") from None
    return parse_profiles(
        text, file, catalogue=catalogue, variants=variants, drug_classes=drug_classes
    )


@functools.cache
def default_profiles() -> Profiles:
    """The bundled profiles, validated against the bundled catalogue and table, once per process."""
    table = default_table()
    return load_profiles(
        catalogue=default_catalogue(), variants=table.variants, drug_classes=table.drug_classes
    )


def load_profiles_for_table(path: str, table: Table | None) -> Profiles:
    """A clinic's policy file, checked against the catalogue and the table it will plan with."""
    table = default_table() if table is None else table
    return load_profiles(
        path,
        catalogue=default_catalogue(),
        variants=table.variants,
        drug_classes=table.drug_classes,
    )


def table_and_profiles(
    table_path: str | None, policies_path: str | None
) -> tuple[Table, Profiles | None]:
    """The table and the policy profiles that the command line or the service names by path.

    A path left out means the bundled file. The table is loaded now (a clinic's
    profiles are checked against it); for the bundled profiles the answer is
    None, and the planner loads them when a request first names one, so a
    command that needs none does not pay to read them.

    Raises:
        TableError: The table is malformed.
        PolicyError: The policy file is malformed, or names what the table lacks.
    """
    table = default_table() if table_path is None else load_table(table_path)
    profiles = None if policies_path is None else load_profiles_for_table(policies_path, table)
    return table, profiles
