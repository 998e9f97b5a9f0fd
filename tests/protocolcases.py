"""Helpers shared by the clinic protocol tests (tests/planning/test_protocols.py, tests/tables/test_protocols_file.py).

A clinic's protocol profile with an approval and rules, the seed example and a
one-medicine request to plan under a policy.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

from strategies import VALID

import medplan
from medplan.model import MedicationPlan
from medplan.tables.policies import parse_profiles

APPROVAL = (
    'approved_by = "Dr A Example, head of interventional radiology"\n'
    "approved_on = 2026-11-02\n"
    'reference = "Example clinic anticoagulation protocol v3, table 2"\n'
)
CLINIC = (
    '[profiles.protocol-v3]\ndescription = "Example clinic protocol v3"\n'
    + APPROVAL
    + "[profiles.protocol-v3.rules.apixaban]\n"
    'intermediate = { hold = "3 days", resume = "1 day" }\n'
    'high = { hold = "4 days", resume = "48 hours" }\n'
    "[profiles.protocol-v3.rules.clopidogrel]\n"
    'low = "continue"\n'
    "[profiles.protocol-v3.rules.warfarin]\n"
    'intermediate = { hold = "6 days", resume = "1 day" }\n'
    "[profiles.protocol-v3.rules.aspirin]\n"
    'high = "continue"\n'
)
CLINIC_PROFILES = parse_profiles(CLINIC, "clinic.toml")
CITED = (
    "approved on 2026-11-02 by Dr A Example, head of interventional radiology; "
    "reference: Example clinic anticoagulation protocol v3, table 2"
)
SEED_CITED = (
    "approved on 2017-07-26 by Khangure M and Wenderoth J, authors of the seed article (no clinic has "
    "signed this profile); reference: Khangure M, Wenderoth J. Image guided lumbar nerve root sleeve "
    "injection (patient information, 2017): antiplatelets 'ceased for up to 10 days depending on the "
    "preference of the radiologist'"
)


SEED = json.loads(
    (resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json").read_text("utf-8")
)


# A P2Y12 antiplatelet stopped is asked why it is taken (tests/planning/test_clinical_checks.py); peripheral arterial
# disease has no minimum interval, so these tests see only the policy's hold.
P2Y12 = {"Plavix", "clopidogrel", "prasugrel"}
NO_MINIMUM = {"indication": "peripheral-arterial-disease"}


def seed_request(policy: dict[str, Any]) -> dict[str, Any]:
    """The bundled nerve root sleeve injection example, with ``policy`` (and Plavix's indication)."""
    request = copy.deepcopy(SEED) | {"policy": policy}
    request["medications"] = [m | NO_MINIMUM if m["name"] in P2Y12 else m for m in request["medications"]]
    return request


def one(plan: medplan.Plan, name: str) -> MedicationPlan:
    """The plan of the medicine given as ``name``."""
    (found,) = [m for m in plan.medications if m.input == name]
    return found


def single(name: str, times: list[str], *, risk: str, policy: dict[str, Any]) -> dict[str, Any]:
    """A request for one medicine before a procedure at ``risk`` under ASRA, at 09:30 on 8 December 2026 in Perth."""
    request = copy.deepcopy(VALID)
    request["procedure"] |= {"bleeding_risk": risk, "guideline": "asra-pain-2018"}
    request["medications"] = [{"name": name, "times": times, **(NO_MINIMUM if name in P2Y12 else {})}]
    request["policy"] = policy
    return request

