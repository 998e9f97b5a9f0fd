"""Helpers shared by the policy tests (tests/tables/test_policies_*.py, tests/api/test_request_policy.py).

The bundled profiles as the tests expect them, a one-profile file, and requests
that name a policy.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import date
from typing import Any

from strategies import VALID

import medplan
from medplan import BleedingRisk, Policy
from medplan.tables.policies import Approval

BUNDLED_NAMES = [
    "seed-khangure-2017",
    "radiologist-10-day-antiplatelet",
    "radiologist-7-day-antiplatelet",
    "sir-2019-spine-high",
    "glp1-multisociety-2024",
    "glp1-asa-2023",
    "aspirin-reviewed-before-intermediate",
]
# The table's variants as tests of the file format give them, independent of the bundled table.
VARIANTS = {"glp1-ra": ("multisociety-2024", "asa-2023")}
SIR_HIGH = (
    ("tfesi-lumbar", BleedingRisk.HIGH),
    ("tfesi-cervical-thoracic", BleedingRisk.HIGH),
    ("interlaminar-epidural", BleedingRisk.HIGH),
    ("cervical-facet-mbb-rfa", BleedingRisk.HIGH),
)


BUNDLED_VERSION = medplan.default_profiles().version
# The seed article's own number: its authors and date, and no clinic's sign-off.
SEED_APPROVAL = Approval(
    approved_by="Khangure M and Wenderoth J, authors of the seed article (no clinic has signed this profile)",
    approved_on=date(2017, 7, 26),
    reference="Khangure M, Wenderoth J. Image guided lumbar nerve root sleeve injection (patient information, 2017):"
    " antiplatelets 'ceased for up to 10 days depending on the preference of the radiologist'",
)


def version(text: str, file: str) -> str:
    """What a policy from ``file`` records as its source: the file and a hash of its text."""
    return f"{file} sha256:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def bundled(name: str, **settings: Any) -> Policy:
    """The policy a bundled profile should give: the built-in default with ``settings``."""
    return Policy(name=name, source=BUNDLED_VERSION, **settings)


def profile_file(body: str) -> str:
    """A file with one profile, dr-jones, with a description and ``body``."""
    return f'[profiles.dr-jones]\ndescription = "Dr Jones"\n{body}\n'


def with_policy(policy: object, **procedure: object) -> dict[str, Any]:
    """VALID with ``policy``, and its procedure's fields replaced by ``procedure``."""
    request = copy.deepcopy(VALID)
    request["policy"] = policy
    request["procedure"] |= procedure
    return request


def catalogue_request(code: str, policy: object, **procedure: object) -> dict[str, Any]:
    """VALID booked by catalogue code (no tier given), with ``policy``."""
    request = with_policy(policy, code=code, **procedure)
    if "bleeding_risk" not in procedure:
        del request["procedure"]["bleeding_risk"]
    return request
