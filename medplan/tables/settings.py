"""A clinic policy's settings, as a profile of a policy file or a request's inline ``policy`` gives them.

Both are checked by the same code (:func:`apply_settings`), so the rules and
the messages are the same; :mod:`medplan.tables.policies` reads the profiles
of a policy file (TOML), and documents each setting. A request that names
no profile needs only this module: a one-shot ``medplan plan`` does not pay
for the profile file's code and value classes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import attrs

from medplan._lazyre import LazyPattern
from medplan.field_checks import FieldChecks, clock_time, weekday
from medplan.jsonlines import NumberBeyondRange, number_as_sent
from medplan.model import SETTINGS, Action, BleedingRisk, Policy
from medplan.planning.lab_days import RegionError, check_region

if TYPE_CHECKING:
    from medplan.tables.procedures import Catalogue

__all__ = [
    "CHECKS",
    "SETTINGS",
    "TIERS",
    "SettingError",
    "apply_settings",
    "check_drug_class_id",
    "key_path",
    "kind_of",
    "mapping_of",
]

# Drug classes and variants are the table's ids (tables.loader.slug_cell).
_SLUG = LazyPattern(r"[a-z0-9]+(?:[-.:][a-z0-9]+)*")
_BARE_KEY = LazyPattern(r"[A-Za-z0-9_-]+")
# "table" is how a file, which has no null, says: no choice, follow the table.
_ASPIRIN: dict[str, Action | None] = {
    "continue": Action.CONTINUE,
    "hold": Action.HOLD,
    "table": None,
}
TIERS = tuple(t.value for t in BleedingRisk)
_BRIDGING_AGENTS = ("enoxaparin", "dalteparin")
# How many injection times each regimen takes, in words (once-daily uses the first).
_BRIDGING_TIMES = {"twice-daily": {2: "two"}, "once-daily": {1: "one", 2: "two"}}


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


def kind_of(value: object) -> str:
    """The kind of a value, for a message: ``text``, ``a number``."""
    return next((word for kind, word in _KINDS if isinstance(value, kind)), type(value).__name__)


# A setting's problem names its key, even for one item of a list.
CHECKS = FieldChecks(error=SettingError, kind=kind_of)


def _integer(key: str, value: object, *, low: int, high: int) -> int:
    if isinstance(value, NumberBeyondRange) or (
        isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high
    ):
        raise SettingError(key, f"must be between {low} and {high} (got {number_as_sent(value)})")
    if isinstance(value, bool) or not isinstance(value, int):
        shown = repr(value) if isinstance(value, float) else kind_of(value)
        raise SettingError(key, f"must be a whole number (got {shown})")
    return value


def _aspirin(key: str, value: object) -> Action | None:
    return _ASPIRIN[CHECKS.choice(key, value, tuple(_ASPIRIN))]


def _text(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise SettingError(key, f"must be text (got {kind_of(value)})")
    return value


def _weekdays(key: str, value: object) -> tuple[int, ...]:
    """A list of weekday names -> the weekdays as numbers, Monday (0) first."""
    expected = "must be a list of weekdays, monday to sunday"
    if not isinstance(value, list):
        raise SettingError(key, f"{expected} (got {kind_of(value)})")
    if not value:
        raise SettingError(key, "must name at least one weekday (got an empty list)")
    return CHECKS.each_once(key, value, weekday, expected=expected)


def _times(key: str, value: object) -> tuple[time, ...]:
    """A list of one or two "HH:MM" -> the times, earliest first."""
    if not isinstance(value, list):
        raise SettingError(
            key, f'must be a list of one or two times "HH:MM" (got {kind_of(value)})'
        )
    if not 1 <= len(value) <= 2:  # noqa: PLR2004
        raise SettingError(key, f"must have one or two times (got {len(value)})")
    # TOML reads an unquoted 08:00:00 as a time, "a date or time" here: quote it.
    return CHECKS.each_once(
        key, value, clock_time, expected='must be times "HH:MM", 00:00 to 23:59'
    )


# The settings that are one value each, and how each is checked.
_SCALARS: dict[str, Callable[[str, object], object]] = {
    "inr_max": functools.partial(CHECKS.number, low=1.0, high=3.0),
    "inr_check_day": functools.partial(_integer, low=-1, high=0),
    "antiplatelet_hold_days": functools.partial(_integer, low=0, high=30),
    "anticoagulant_resume_next_day": CHECKS.boolean,
    "aspirin_before_intermediate": _aspirin,
    "lab_weekdays": _weekdays,
    "lab_country": _text,
    "lab_subdivision": _text,
    "bridging_agent": functools.partial(CHECKS.choice, allowed=_BRIDGING_AGENTS),
    "bridging_regimen": functools.partial(CHECKS.choice, allowed=tuple(_BRIDGING_TIMES)),
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


def mapping_of(key: str, value: object, expected: str) -> Mapping[str, object]:
    """``value`` when it is a mapping, else a problem saying it must map ``expected``."""
    if not isinstance(value, Mapping):
        raise SettingError(key, f"must map {expected} (got {kind_of(value)})")
    return value


def check_drug_class_id(key: str, drug_class: str) -> None:
    """Without the table to look it up in, a drug class is at least written as the table's ids are."""
    if _SLUG.fullmatch(drug_class) is None:
        problem = "is not a drug class: use the table's id, lower-case letters, digits and - . :"
        raise SettingError(key, problem)


def _variants(
    value: object, table_variants: Mapping[str, Collection[str]] | None
) -> dict[str, str]:
    """Drug class -> variant; checked against the table's variants when they are given."""
    chosen: dict[str, str] = {}
    for drug_class, variant in mapping_of(
        "variants", value, "each drug class to a variant"
    ).items():
        key = key_path("variants", drug_class)
        if table_variants is None:
            check_drug_class_id(key, drug_class)
        elif drug_class not in table_variants:
            known = ", ".join(sorted(table_variants)) or "none"
            problem = (
                f"is not a drug class the table gives variants for (it gives them for: {known})"
            )
            raise SettingError(key, problem)
        if not isinstance(variant, str):
            raise SettingError(key, f"must be the name of a variant (got {kind_of(variant)})")
        if table_variants is None:
            if _SLUG.fullmatch(variant) is None:
                problem = f"must be a variant's name: lower-case letters, digits and - . : (got {variant!r})"
                raise SettingError(key, problem)
        else:
            CHECKS.choice(key, variant, tuple(table_variants[drug_class]))
        chosen[drug_class] = variant
    return chosen


def _tiers(value: object, catalogue: Catalogue) -> dict[str, BleedingRisk]:
    """Procedure code -> tier; every code must be in the catalogue."""
    tiers: dict[str, BleedingRisk] = {}
    expected = "each procedure code to a bleeding-risk tier"
    for code, tier in mapping_of("bleeding_risk", value, expected).items():
        key = key_path("bleeding_risk", code)
        if catalogue.get(code) is None:
            problem = "is not in the procedure catalogue ('medplan procedures' lists the codes)"
            raise SettingError(key, problem)
        tiers[code] = BleedingRisk(CHECKS.choice(key, tier, TIERS))
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

    >>> from medplan.tables.procedures import default_catalogue
    >>> policy = apply_settings(
    ...     Policy(), {"inr_max": 1.4, "bleeding_risk": {"tfesi-lumbar": "high"}},
    ...     catalogue=default_catalogue())
    >>> policy.inr_max, policy.bleeding_risk_for("tfesi-lumbar").value
    (1.4, 'high')
    >>> apply_settings(Policy(), {"inr_max": "1.4"}, catalogue=default_catalogue())
    Traceback (most recent call last):
    medplan.tables.settings.SettingError: inr_max: must be a number (got text)
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
