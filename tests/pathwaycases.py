"""Helpers shared by the warfarin pathway tests (tests/planning/test_pathway.py, tests/render/).

Two procedures, three patients on warfarin (a mitral valve, atrial fibrillation, a
venous thromboembolism) and a booking of one for the other, in England.
"""

from __future__ import annotations

HIGH = {"code": "spinal-cord-stimulator", "name": "Spinal cord stimulator implant", "start": "2026-12-29T09:00"}
INTERMEDIATE = {"code": "tfesi-lumbar", "name": "Lumbar transforaminal injection", "start": "2027-03-31T10:00"}

MITRAL = ({"weight_kg": 82, "crcl_ml_min": 65},
          [{"reason": "mechanical-heart-valve", "valve_position": "mitral", "valve_type": "bileaflet"}])
AF = ({"weight_kg": 70, "crcl_ml_min": 55},
      [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 3, "stroke_or_tia": "none", "rheumatic_valve_disease": False}])


def vte(when):
    return ({"weight_kg": 95, "crcl_ml_min": 25},
            [{"reason": "venous-thromboembolism", "vte": when, "thrombophilia": "none", "recurrent_vte": False,
              "active_cancer": False}])


def booking(procedure, patient, policy=None):
    extra, reasons = patient
    return {
        "procedure": {**procedure, "timezone": "Europe/London"},
        "patient": {**extra, "anticoagulation": reasons},
        "medications": [{"name": "warfarin", "times": ["18:00"], "dose": "5 mg"}],
        "policy": {"lab_country": "GB", "lab_subdivision": "ENG", **(policy or {})},
    }
