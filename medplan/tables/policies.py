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
from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from medplan._attrsrepr import AttrsValue
from medplan._lazyre import LazyPattern
from medplan.exceptions import PolicyError
from medplan.model import Action, BleedingRisk, Interval, Policy, Unit
from medplan.tables.drug_classes import default_table, load_table
from medplan.tables.loader import data_text, text_digest
from medplan.tables.procedures import Catalogue, default_catalogue
from medplan.tables.settings import (
    CHECKS,
    SETTINGS,
    TIERS,
    SettingError,
    apply_settings,
    check_drug_class_id,
    key_path,
    kind_of,
    mapping_of,
)

if TYPE_CHECKING:
    from pathlib import Path  # only named in annotations (see tables.loader)

from medplan.tables.drug_classes import Table

__all__ = [
    "APPROVAL_KEYS",
    "BUNDLED",
    "PROFILE_KEYS",
    "SETTINGS",
    "Approval",
    "ClinicRule",
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
# Who approved a profile's numbers: required with rules, and all three or none.
APPROVAL_KEYS = ("approved_by", "approved_on", "reference")
PROFILE_KEYS = ("description", *APPROVAL_KEYS, *SETTINGS, "rules")

# A request types the profile's name, so it is kept to what needs no quoting.
_PROFILE_NAME = LazyPattern(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A rule's hold and restart are written as the table writes them, within its limits.
_INTERVAL = LazyPattern(r"(\d{1,4}) (day|days|hour|hours)")
_MAX_DAYS = 60
_RULE_KEYS = ("hold", "resume")


# A profile's approval and rules: made only where a policy file is read.
@attrs.frozen(kw_only=True, repr=False, eq=False)
class Approval(AttrsValue):
    """Who approved a clinic profile's numbers, when, and what they were read from.

    A number the clinic fixes replaces the table's, so the plan names the
    person who signed it off and the document it came from.
    """

    approved_by: str
    approved_on: date
    reference: str

    def __str__(self) -> str:
        """As the plan cites it: ``approved on 2026-11-02 by X; reference: Y``."""
        return f"approved on {self.approved_on.isoformat()} by {self.approved_by}; reference: {self.reference}"

    def to_dict(self) -> dict[str, Any]:
        """The approval as it appears in the plan JSON."""
        return {
            "approved_by": self.approved_by,
            "approved_on": self.approved_on.isoformat(),
            "reference": self.reference,
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class ClinicRule(AttrsValue):
    """A clinic protocol's rule for one drug class at one bleeding-risk tier.

    ``hold`` with both ``hold`` and ``resume`` given, or ``continue`` with
    neither: the clinic's numbers, used instead of the table's row.
    """

    drug_class: str
    bleeding_risk: BleedingRisk
    action: Action
    hold: Interval | None = None
    resume: Interval | None = None

    def __str__(self) -> str:
        """In words: ``continue``, ``hold 10 days, resume 24 hours after``, ``..., resume on day +1``."""
        if self.hold is None or self.resume is None:
            return self.action.value
        if self.resume.unit is Unit.DAYS:
            return f"hold {self.hold}, resume on day +{self.resume.amount}"
        return f"hold {self.hold}, resume {self.resume} after"

    def to_dict(self) -> dict[str, Any]:
        """The rule as the plan JSON gives it, under its class and tier."""
        if self.action is Action.CONTINUE:
            return {"action": self.action.value}
        return {"action": self.action.value, "hold": str(self.hold), "resume": str(self.resume)}


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


def _interval(key: str, value: object) -> Interval:
    """``"10 days"`` or ``"24 hours"`` -> the interval, within the table's limits."""
    expected = "must be 'N days' or 'N hours'"
    if not isinstance(value, str):
        raise SettingError(key, f"{expected} (got {kind_of(value)})")
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
        shown = CHECKS.shown(value)
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
    for drug_class, tiers in mapping_of("rules", value, "each drug class to its tiers").items():
        key = key_path("rules", drug_class)
        if drug_classes is None:
            check_drug_class_id(key, drug_class)
        elif drug_class not in drug_classes:
            problem = "is not a drug class of the table (its drug_class column)"
            raise SettingError(key, problem)
        by_tier = mapping_of(
            key, tiers, "each bleeding-risk tier (low, intermediate, high) to a rule"
        )
        if not by_tier:
            raise SettingError(
                key, "must give a rule for at least one tier (low, intermediate, high)"
            )
        for tier, rule in by_tier.items():
            tier_key = key_path("rules", drug_class, tier)
            if tier not in TIERS:
                raise SettingError(
                    tier_key, f"is not a bleeding-risk tier (expected {', '.join(TIERS)})"
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
        shown = kind_of(value)
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
        raise SettingError(key, f"must be text (got {kind_of(value)})")
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
        problem = f"must be a table of settings, [profiles.{name}] (got {kind_of(body)})"
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
        problem = f"must be a table of profiles, each [profiles.NAME] (got {kind_of(table)})"
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
