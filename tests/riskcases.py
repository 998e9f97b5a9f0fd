"""Helpers shared by the thrombotic-risk tests (tests/tables/ and tests/planning/test_thrombotic_risk.py)."""

from __future__ import annotations

import datafiles

from medplan.model import Bridging, ThromboticRisk
from medplan.tables.thrombotic_risk import default_risk_table

FILE = "thrombotic_risk.csv"
TABLE = default_risk_table()
BUNDLED = datafiles.bundled(FILE)

AF, MHV, VTE = "atrial-fibrillation", "mechanical-heart-valve", "venous-thromboembolism"
HIGH, MODERATE, LOW = ThromboticRisk.HIGH, ThromboticRisk.MODERATE, ThromboticRisk.LOW
BRIDGE, NO_BRIDGE, REVIEW = Bridging.BRIDGE, Bridging.NO_BRIDGE, Bridging.REVIEW
FIRST = "patient.anticoagulation[0]"
SECOND = "patient.anticoagulation[1]"
