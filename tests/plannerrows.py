"""The hand-checked planner rows and cases (see tests/planning/test_planner_rows.py).

Each expected date was worked out by hand from the definitions in
``medplan.planning.schedule`` (comments give the arithmetic), in the style of the
holidays library's row-by-row tests.

Procedure A: Tuesday 8 December 2026, 09:30, Australia/Perth (UTC+8, no DST).
Procedure B: Monday 30 March 2026, 08:00, Europe/London: the clocks went forward on
Sunday 29 March, so doses before it are GMT (+00:00) and after it BST (+01:00).

``ROWS`` (the antithrombotics of issue 2) give a medicine, a tier, a guideline and a
CrCl; ``CASES`` (issue 3's classes) give a whole request, for the rules that depend
on the procedure's fasting, sedation or contrast, the patient's eGFR, a weekday
schedule or the clinic policy. Every row of the table is reached by one or the other.
"""

from __future__ import annotations

from plannercases import ASA_2023, PAD, UNCONFIRMED, A, B, Case, Row, med, request

ROWS = [
    # --- asra-pain-2018, procedure A --------------------------------------------------
    # 5 days off: no dose 3-7 Dec; ASRA restarts at 6 h (18:00 day 0) but the seed policy
    # waits for the day after.
    Row(id="asra-warfarin-intermediate", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("warfarin", "18:00"), crcl=None, action="hold", last_dose="2026-12-02T18:00:00+08:00", resume="2026-12-09T18:00:00+08:00", checks=[("INR", 1.5, "2026-12-07")]),
    Row(id="asra-warfarin-high", at=A, risk="high", guideline="asra-pain-2018", medication=med("Coumadin", "18:00"), crcl=None, action="hold", last_dose="2026-12-02T18:00:00+08:00", resume="2026-12-09T18:00:00+08:00", checks=[("INR", 1.5, "2026-12-07")]),
    Row(id="asra-warfarin-low-shared-assessment", at=A, risk="low", guideline="asra-pain-2018", medication=med("warfarin", "18:00"), crcl=None, action="review", last_dose=None, resume=None, checks=[]),
    # 3 days off: last dose day -4; restart 24 h after 09:30 is after 18:00 on 9 Dec's eve.
    Row(id="asra-acenocoumarol", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("Sintrom", "18:00"), crcl=None, action="hold", last_dose="2026-12-04T18:00:00+08:00", resume="2026-12-09T18:00:00+08:00", checks=[("INR", 1.5, "2026-12-07")]),
    # 24 h before 09:30 on 8 Dec: the 08:00 dose on 7 Dec. Restart in ASRA's 12-24 h window (21:30 day 0
    # to 09:30 day +1): 08:00 on 9 Dec (22.5 h), also the seed's day +1.
    Row(id="asra-enoxaparin-therapeutic", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("Clexane", "08:00", "20:00", regimen="therapeutic"), crcl=None, action="hold", last_dose="2026-12-07T08:00:00+08:00", resume="2026-12-09T08:00:00+08:00", checks=[]),
    # 12 h before: 20:00 on 7 Dec; restart 4 h after is 20:00 day 0, the seed moves it to day +1.
    Row(id="asra-enoxaparin-prophylactic-low", at=A, risk="low", guideline="asra-pain-2018", medication=med("Lovenox", "20:00", regimen="prophylactic"), crcl=None, action="hold", last_dose="2026-12-07T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00", checks=[]),
    # Once daily at 08:00: the 12-24 h window (21:30 day 0 to 09:30 day +1) holds 08:00 on 9 Dec.
    Row(id="asra-dalteparin-therapeutic-high", at=A, risk="high", guideline="asra-pain-2018", medication=med("Fragmin", "08:00", regimen="therapeutic"), crcl=None, action="hold", last_dose="2026-12-07T08:00:00+08:00", resume="2026-12-09T08:00:00+08:00", checks=[]),
    Row(id="asra-dalteparin-prophylactic", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("dalteparin", "08:00", regimen="prophylactic"), crcl=None, action="hold", last_dose="2026-12-07T08:00:00+08:00", resume="2026-12-09T08:00:00+08:00", checks=[]),
    # An infusion stops 6 h before 09:30; restart 2 h after, moved to the start of day +1.
    Row(id="asra-heparin-iv", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("heparin", route="iv"), crcl=None, action="hold", last_dose="2026-12-08T03:30:00+08:00", resume="2026-12-09T00:00:00+08:00", checks=[]),
    # High risk: 24 h before (08:00 on 7 Dec), restart 6 h after (20:00 day 0, seed: day +1).
    Row(id="asra-heparin-sc-high", at=A, risk="high", guideline="asra-pain-2018", medication=med("UFH", "08:00", "20:00", route="sc"), crcl=None, action="hold", last_dose="2026-12-07T08:00:00+08:00", resume="2026-12-09T08:00:00+08:00", checks=[]),
    # Secondary prevention: a shared assessment at intermediate risk, which the seed policy continues.
    Row(id="asra-aspirin-intermediate", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("Cartia", "08:00", indication="secondary-prevention"), crcl=None, action="continue", last_dose=None, resume=None, checks=[]),
    # At high risk secondary prevention is reviewed; the proposal is 6 days (day -7) and 24 h after.
    Row(id="asra-aspirin-high", at=A, risk="high", guideline="asra-pain-2018", medication=med("aspirin", "08:00", indication="secondary-prevention"), crcl=None, action="review", last_dose="2026-12-01T08:00:00+08:00", resume="2026-12-10T08:00:00+08:00", checks=[]),
    # Unconfirmed rows: review, with the proposal's dates.
    # Clopidogrel's recalled 12-24 h restart window: 08:00 on 9 Dec (22.5 h after 09:30).
    Row(id="asra-clopidogrel", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("Plavix", "08:00"), crcl=None, action="review", last_dose="2026-11-30T08:00:00+08:00", resume="2026-12-09T08:00:00+08:00", checks=[]),
    Row(id="asra-prasugrel", at=A, risk="high", guideline="asra-pain-2018", medication=med("Effient", "08:00"), crcl=None, action="review", last_dose="2026-11-27T08:00:00+08:00", resume="2026-12-10T08:00:00+08:00", checks=[]),
    Row(id="asra-ticagrelor", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("Brilinta", "08:00", "20:00"), crcl=None, action="review", last_dose="2026-12-02T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00", checks=[]),
    Row(id="asra-apixaban", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("Eliquis", "08:00", "20:00"), crcl=None, action="review", last_dose="2026-12-04T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00", checks=[]),
    Row(id="asra-rivaroxaban", at=A, risk="high", guideline="asra-pain-2018", medication=med("Xarelto", "18:00"), crcl=None, action="review", last_dose="2026-12-04T18:00:00+08:00", resume="2026-12-09T18:00:00+08:00", checks=[]),
    Row(id="asra-edoxaban", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("Lixiana", "08:00"), crcl=None, action="review", last_dose="2026-12-04T08:00:00+08:00", resume="2026-12-10T08:00:00+08:00", checks=[]),
    Row(id="asra-dabigatran-crcl-62", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("Pradaxa", "08:00", "20:00"), crcl=62, action="review", last_dose="2026-12-02T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00", checks=[]),
    Row(id="asra-dabigatran-crcl-40", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("Pradaxa", "08:00", "20:00"), crcl=40, action="review", last_dose="2026-12-01T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00", checks=[]),
    Row(id="asra-dabigatran-crcl-20", at=A, risk="intermediate", guideline="asra-pain-2018", medication=med("Pradaxa", "08:00", "20:00"), crcl=20, action="review", last_dose=None, resume=None, checks=[]),
    # --- chest-2022, procedure B (the London spring-forward) ----------------------------
    # CrCl 80: well above every factor-Xa band's threshold (the thresholds are in CASES).
    # 2 days off before high risk: no dose 28-29 Mar or day 0; last 20:00 GMT on 27 Mar.
    # Restart in PAUSE's day +2 to +3 window: the first dose on day +2, Wed 1 Apr at 08:00 BST.
    Row(id="chest-apixaban-high", at=B, risk="high", guideline="chest-2022", medication=med("apixaban", "08:00", "20:00"), crcl=80, action="hold", last_dose="2026-03-27T20:00:00+00:00", resume="2026-04-01T08:00:00+01:00", checks=[]),
    Row(id="chest-apixaban-intermediate-takes-high", at=B, risk="intermediate", guideline="chest-2022", medication=med("apixaban", "08:00", "20:00"), crcl=80, action="hold", last_dose="2026-03-27T20:00:00+00:00", resume="2026-04-01T08:00:00+01:00", checks=[]),
    Row(id="chest-apixaban-low", at=B, risk="low", guideline="chest-2022", medication=med("apixaban", "08:00", "20:00"), crcl=80, action="hold", last_dose="2026-03-28T20:00:00+00:00", resume="2026-03-31T08:00:00+01:00", checks=[]),
    Row(id="chest-rivaroxaban-low", at=B, risk="low", guideline="chest-2022", medication=med("rivaroxaban", "18:00"), crcl=80, action="hold", last_dose="2026-03-28T18:00:00+00:00", resume="2026-03-31T18:00:00+01:00", checks=[]),
    Row(id="chest-edoxaban-high", at=B, risk="high", guideline="chest-2022", medication=med("Savaysa", "08:00"), crcl=80, action="hold", last_dose="2026-03-27T08:00:00+00:00", resume="2026-04-01T08:00:00+01:00", checks=[]),
    Row(id="chest-dabigatran-crcl-80-low", at=B, risk="low", guideline="chest-2022", medication=med("dabigatran", "08:00", "20:00"), crcl=80, action="hold", last_dose="2026-03-28T20:00:00+00:00", resume="2026-03-31T08:00:00+01:00", checks=[]),
    # CrCl 30-50, high risk: 4 days off, last dose day -5.
    Row(id="chest-dabigatran-crcl-40-high", at=B, risk="high", guideline="chest-2022", medication=med("dabigatran", "08:00", "20:00"), crcl=40, action="hold", last_dose="2026-03-25T20:00:00+00:00", resume="2026-04-01T08:00:00+01:00", checks=[]),
    Row(id="chest-dabigatran-crcl-20", at=B, risk="high", guideline="chest-2022", medication=med("dabigatran", "08:00", "20:00"), crcl=20, action="review", last_dose=None, resume=None, checks=[]),
    # 5 days off: last dose day -6 (24 Mar, GMT); CHEST restarts the evening of day 0 and
    # the seed policy the day after, in BST.
    Row(id="chest-warfarin", at=B, risk="high", guideline="chest-2022", medication=med("Marevan", "18:00"), crcl=None, action="hold", last_dose="2026-03-24T18:00:00+00:00", resume="2026-03-31T18:00:00+01:00", checks=[("INR", 1.5, "2026-03-27")]),
    Row(id="chest-acenocoumarol", at=B, risk="low", guideline="chest-2022", medication=med("acenocoumarol", "18:00"), crcl=None, action="hold", last_dose="2026-03-24T18:00:00+00:00", resume="2026-03-31T18:00:00+01:00", checks=[("INR", 1.5, "2026-03-27")]),
    # 24 real hours before 08:00 BST on 30 Mar is 08:00 BST on 29 Mar, exactly a dose;
    # the 48-72 h window opens at 08:00 BST on 1 Apr, exactly a dose (the window includes its ends).
    Row(id="chest-enoxaparin-therapeutic-high", at=B, risk="high", guideline="chest-2022", medication=med("enoxaparin", "08:00", "20:00", regimen="therapeutic"), crcl=None, action="hold", last_dose="2026-03-29T08:00:00+01:00", resume="2026-04-01T08:00:00+01:00", checks=[]),
    Row(id="chest-dalteparin-therapeutic-low", at=B, risk="low", guideline="chest-2022", medication=med("Fragmin", "08:00", regimen="therapeutic"), crcl=None, action="hold", last_dose="2026-03-29T08:00:00+01:00", resume="2026-03-31T08:00:00+01:00", checks=[]),
    Row(id="chest-enoxaparin-prophylactic", at=B, risk="high", guideline="chest-2022", medication=med("enoxaparin", "20:00", regimen="prophylactic"), crcl=None, action="review", last_dose="2026-03-29T20:00:00+01:00", resume="2026-04-01T20:00:00+01:00", checks=[]),
    # 12 h before 07:00 UTC on 30 Mar: the 08:00 BST dose on 29 Mar; restart 24 h after.
    Row(id="chest-dalteparin-prophylactic-low", at=B, risk="low", guideline="chest-2022", medication=med("dalteparin", "08:00", regimen="prophylactic"), crcl=None, action="review", last_dose="2026-03-29T08:00:00+01:00", resume="2026-03-31T08:00:00+01:00", checks=[]),
    # Infusion: 6 h before 08:00 BST is 02:00 BST; restart when the 48-72 h window opens.
    Row(id="chest-heparin-iv", at=B, risk="high", guideline="chest-2022", medication=med("heparin", route="iv"), crcl=None, action="hold", last_dose="2026-03-30T02:00:00+01:00", resume="2026-04-01T08:00:00+01:00", checks=[]),
    Row(id="chest-heparin-sc", at=B, risk="high", guideline="chest-2022", medication=med("heparin", "08:00", "20:00", route="sc"), crcl=None, action="review", last_dose="2026-03-29T08:00:00+01:00", resume="2026-04-01T08:00:00+01:00", checks=[]),
    Row(id="chest-aspirin-low", at=B, risk="low", guideline="chest-2022", medication=med("aspirin", "08:00"), crcl=None, action="continue", last_dose=None, resume=None, checks=[]),
    Row(id="chest-aspirin-high", at=B, risk="high", guideline="chest-2022", medication=med("aspirin", "08:00"), crcl=None, action="review", last_dose="2026-03-22T08:00:00+00:00", resume="2026-03-31T08:00:00+01:00", checks=[]),
    # Antiplatelets are not anticoagulants: restart day +1, not moved by the seed policy. A P2Y12
    # antiplatelet is asked why it is taken (tests/planning/test_clinical_checks.py); peripheral arterial disease has no minimum.
    Row(id="chest-clopidogrel-high", at=B, risk="high", guideline="chest-2022", medication=med("clopidogrel", "08:00", indication=PAD), crcl=None, action="hold", last_dose="2026-03-24T08:00:00+00:00", resume="2026-03-31T08:00:00+01:00", checks=[]),
    Row(id="chest-clopidogrel-low", at=B, risk="low", guideline="chest-2022", medication=med("clopidogrel", "08:00"), crcl=None, action="review", last_dose=None, resume=None, checks=[]),
    Row(id="chest-prasugrel-high", at=B, risk="high", guideline="chest-2022", medication=med("prasugrel", "08:00", indication=PAD), crcl=None, action="hold", last_dose="2026-03-22T08:00:00+00:00", resume="2026-03-31T08:00:00+01:00", checks=[]),
    Row(id="chest-ticagrelor-intermediate", at=B, risk="intermediate", guideline="chest-2022", medication=med("Brilique", "08:00", "20:00", indication=PAD), crcl=None, action="hold", last_dose="2026-03-24T20:00:00+00:00", resume="2026-03-31T08:00:00+01:00", checks=[]),
]


# --- issue 3's classes: whole requests ----------------------------------------------------

# Procedure C: Friday 27 March 2026, 10:00, Europe/London (GMT): 48 real hours after it cross
# the spring-forward of Sunday 29 March, so they end at 11:00 BST, not 10:00.
C = {"start": "2026-03-27T10:00", "timezone": "Europe/London"}
# Procedure D: Sunday 1 November 2026, 12:00, America/New_York (EST): the clocks went back at
# 02:00 that morning, so 24 real hours before is 13:00 EDT on Saturday, not 12:00.
D = {"start": "2026-11-01T12:00", "timezone": "America/New_York"}
# Procedure E: Sunday 29 March 2026, 12:00 BST, Europe/London, the day of the spring-forward:
# 24 real hours before is 11:00 GMT on Saturday (the wall clock's 12:00 would be 23 hours).
E = {"start": "2026-03-29T12:00", "timezone": "Europe/London"}


CASES = [
    # --- antiplatelets (ASRA pain 2018, procedure A: Tuesday 8 December 2026, 09:30 Perth) ----------
    # 2 days off: no dose Sun 6, Mon 7 or day 0; last on day -3, Sat 5 Dec at 20:00. Restart 24 h after
    # 09:30 is 09:30 Wed 9: the first dose at or after it is 20:00 (an antiplatelet: no day-after rule).
    Case(id="dipyridamole-high", request=request(med("Persantin", "08:00", "20:00"), risk="high"), rule_id="asra-pain-2018:dipyridamole", action="hold", last_dose="2026-12-05T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00"),
    Case(id="dipyridamole-intermediate", request=request(med("dipyridamole", "08:00", "20:00")), rule_id="asra-pain-2018:dipyridamole", action="continue"),
    # As dipyridamole at 07:00 and 19:00: last Sat 5 Dec 19:00; 09:30 Wed 9 -> 19:00 Wed 9.
    Case(id="cilostazol-high", request=request(med("Pletal", "07:00", "19:00"), risk="high"), rule_id="asra-pain-2018:cilostazol", action="hold", last_dose="2026-12-05T19:00:00+08:00", resume="2026-12-09T19:00:00+08:00"),
    Case(id="asasantin-low", request=request(med("Asasantin SR", "08:00", "20:00"), risk="low"), rule_id="asra-pain-2018:aspirin-dipyridamole", action="continue"),
    # Shared assessment at intermediate risk; the seed policy continues aspirin (and its combinations).
    Case(id="asasantin-intermediate-seed-policy", request=request(med("Asasantin SR", "08:00", "20:00")), rule_id="asra-pain-2018:aspirin-dipyridamole", action="continue"),
    # Proposal 6 days: no dose Wed 2 - Mon 7; last on day -7, Tue 1 Dec 20:00; 09:30 Wed 9 -> 20:00 Wed 9.
    Case(id="asasantin-high", request=request(med("Aggrenox", "08:00", "20:00"), risk="high"), rule_id="asra-pain-2018:aspirin-dipyridamole", action="review", last_dose="2026-12-01T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00", reason=("stop it only with the prescriber's agreement",)),
    # Unconfirmed: review with the proposal. 10 days: no dose Sat 28 Nov - Mon 7 Dec; last on day -11,
    # Fri 27 Nov 20:00; 09:30 Wed 9 -> 20:00 Wed 9.
    Case(id="ticlopidine-intermediate", request=request(med("Ticlid", "08:00", "20:00")), rule_id="asra-pain-2018:ticlopidine", action="review", last_dose="2026-11-27T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00", reason=(f"rule asra-pain-2018:ticlopidine {UNCONFIRMED}",)),
    # An infusion held 5 days is off by the start of day -5 (Thu 3 Dec 00:00); restart when the 8-12 h
    # window opens, 8 h after 09:30.
    Case(id="abciximab-high", request=request(med("ReoPro", route="iv"), risk="high"), rule_id="asra-pain-2018:abciximab", action="review", last_dose="2026-12-03T00:00:00+08:00", resume="2026-12-08T17:30:00+08:00", reason=("planned with the cardiologist", f"rule asra-pain-2018:abciximab {UNCONFIRMED}")),
    # 24 real hours before 09:30 Tue 8 is 09:30 Mon 7; the 8-12 h window opens at 17:30 Tue 8.
    Case(id="eptifibatide-high", request=request(med("Integrilin", route="iv"), risk="high"), rule_id="asra-pain-2018:eptifibatide-tirofiban", action="review", last_dose="2026-12-07T09:30:00+08:00", resume="2026-12-08T17:30:00+08:00", reason=("planned with the cardiologist",)),
    # Procedure E (12:00 BST = 11:00 UTC on 29 March): 24 h before is 11:00 UTC = 11:00 GMT on Sat 28;
    # the 8-12 h window opens 8 h after, 19:00 UTC = 20:00 BST on Sun 29.
    Case(id="tirofiban-across-the-spring-forward", request=request(med("Aggrastat", route="iv"), at=E, risk="high"), rule_id="asra-pain-2018:eptifibatide-tirofiban", action="review", last_dose="2026-03-28T11:00:00+00:00", resume="2026-03-29T20:00:00+01:00", reason=("planned with the cardiologist",)),
    # --- anticoagulants --------------------------------------------------------------------------------------
    # Unconfirmed 4 days: no dose Fri 4 - Mon 7; last on day -5, Thu 3 Dec 18:00. 24 h after 09:30 is
    # 09:30 Wed 9 -> 18:00 Wed 9, which is also the seed's day +1.
    Case(id="fondaparinux-intermediate", request=request(med("Arixtra", "18:00")), rule_id="asra-pain-2018:fondaparinux", action="review", last_dose="2026-12-03T18:00:00+08:00", resume="2026-12-09T18:00:00+08:00", reason=(f"rule asra-pain-2018:fondaparinux {UNCONFIRMED}",)),
    Case(id="fondaparinux-low", request=request(med("fondaparinux", "18:00"), risk="low"), rule_id="asra-pain-2018:fondaparinux", action="review", reason=("decide with the prescriber",)),
    # 7 days: no dose Tue 1 - Mon 7; last on day -8, Mon 30 Nov 18:00; restart day +1 at 18:00; INR day -1.
    Case(id="phenprocoumon-asra", request=request(med("Marcumar", "18:00")), rule_id="esaic-esra-2022:phenprocoumon", action="hold", last_dose="2026-11-30T18:00:00+08:00", resume="2026-12-09T18:00:00+08:00", checks=(("INR", 1.5, "2026-12-07"),)),
    # The same row under CHEST (it holds for every guideline), procedure B: no dose Mon 23 - Sun 29 Mar;
    # last on day -8, Sun 22 Mar 18:00 GMT; restart Tue 31 Mar 18:00 BST; INR due Sun 29 Mar, when the
    # laboratory is closed, so taken on Friday 27 Mar.
    Case(id="phenprocoumon-chest", request=request(med("phenprocoumon", "18:00"), at=B, risk="high", guideline="chest-2022"), rule_id="esaic-esra-2022:phenprocoumon", action="hold", last_dose="2026-03-22T18:00:00+00:00", resume="2026-03-31T18:00:00+01:00", checks=(("INR", 1.5, "2026-03-27"),)),
    # Unconfirmed 12 hours: before 21:30 Mon 7 the latest dose is 18:00 Mon 7; 24 h after 09:30 is
    # 09:30 Wed 9 -> 18:00 Wed 9.
    Case(id="tinzaparin-prophylactic", request=request(med("Innohep", "18:00", regimen="prophylactic")), rule_id="asra-pain-2018:tinzaparin:prophylactic", action="review", last_dose="2026-12-07T18:00:00+08:00", resume="2026-12-09T18:00:00+08:00", reason=(f"rule asra-pain-2018:tinzaparin:prophylactic {UNCONFIRMED}",)),
    # 24 hours: before 09:30 Mon 7 the latest dose is 18:00 Sun 6. Restart 4 h after is 13:30 Tue 8, so
    # 18:00 Tue 8; the seed's day-after rule moves it to 18:00 Wed 9.
    Case(id="tinzaparin-therapeutic-low", request=request(med("Innohep", "18:00", regimen="therapeutic"), risk="low"), rule_id="asra-pain-2018:tinzaparin:therapeutic", action="review", last_dose="2026-12-06T18:00:00+08:00", resume="2026-12-09T18:00:00+08:00", reason=(f"rule asra-pain-2018:tinzaparin:therapeutic {UNCONFIRMED}",)),
    # --- CHEST factor-Xa renal bands, procedure B (Monday 30 March 2026, 08:00 London) -----------------------
    # The band is crcl_min <= CrCl < crcl_max: CrCl 25 is in apixaban's 25-up band. High risk: 2 days off,
    # no dose Sat 28, Sun 29 or day 0; last Fri 27 Mar 20:00 GMT; restart in the day +2 to +3 window: the first
    # dose on day +2, Wed 1 Apr 08:00 BST.
    # CrCl exactly 25: the AF table's band is "above 25", and a cut-off belongs to the band below (the
    # longer hold), so as for 24.9: 5 days, Tue 24 Mar 20:00 GMT; day +2.
    Case(id="chest-apixaban-crcl-25-exactly", request=request(med("Eliquis", "08:00", "20:00"), at=B, risk="high",
                                                   guideline="chest-2022", crcl=25), rule_id="chest-2022:apixaban:crcl-below-25", action="review", last_dose="2026-03-24T20:00:00+00:00", resume="2026-04-01T08:00:00+01:00", reason=("1 to 3 extra days",)),
    # CrCl 24.9: review, proposing 5 days (no dose Wed 25 - Sun 29; last on day -6, Tue 24 Mar 20:00 GMT)
    # and day +2 (Wed 1 Apr 08:00 BST).
    Case(id="chest-apixaban-crcl-24.9-high", request=request(med("Eliquis", "08:00", "20:00"), at=B, risk="high",
                                                  guideline="chest-2022", crcl=24.9), rule_id="chest-2022:apixaban:crcl-below-25", action="review", last_dose="2026-03-24T20:00:00+00:00", resume="2026-04-01T08:00:00+01:00", reason=("1 to 3 extra days", "decide with the prescriber")),
    # Low risk: 4 days (no dose Thu 26 - Sun 29; last on day -5, Wed 25 Mar 20:00 GMT), day +1 (Tue 31 08:00 BST).
    Case(id="chest-apixaban-crcl-24.9-low", request=request(med("apixaban", "08:00", "20:00"), at=B, risk="low",
                                                 guideline="chest-2022", crcl=24.9), rule_id="chest-2022:apixaban:crcl-below-25", action="review", last_dose="2026-03-25T20:00:00+00:00", resume="2026-03-31T08:00:00+01:00", reason=("1 to 3 extra days",)),
    # CrCl 30 is in rivaroxaban's 30-up band. Low risk, 1 day: no dose Sun 29; last Sat 28 Mar 18:00 GMT;
    # day +1, Tue 31 Mar 18:00 BST.
    # CrCl exactly 30 is in the band below: as for 29.9, 4 days, Wed 25 Mar 18:00 GMT; day +1.
    Case(id="chest-rivaroxaban-crcl-30-exactly", request=request(med("Xarelto", "18:00"), at=B, risk="low",
                                                      guideline="chest-2022", crcl=30), rule_id="chest-2022:rivaroxaban:crcl-below-30", action="review", last_dose="2026-03-25T18:00:00+00:00", resume="2026-03-31T18:00:00+01:00", reason=("1 to 3 extra days",)),
    # CrCl 30.1 is above the cut-off: 1 day, last on day -2, Sat 28 Mar 18:00 GMT; day +1.
    Case(id="chest-rivaroxaban-crcl-30.1", request=request(med("Xarelto", "18:00"), at=B, risk="low",
                                                guideline="chest-2022", crcl=30.1), rule_id="chest-2022:rivaroxaban:crcl-30-up", action="hold", last_dose="2026-03-28T18:00:00+00:00", resume="2026-03-31T18:00:00+01:00"),
    # CrCl 29.9, low: 4 days, last on day -5 (Wed 25 Mar 18:00 GMT); day +1.
    Case(id="chest-rivaroxaban-crcl-29.9-low", request=request(med("Xarelto", "18:00"), at=B, risk="low",
                                                    guideline="chest-2022", crcl=29.9), rule_id="chest-2022:rivaroxaban:crcl-below-30", action="review", last_dose="2026-03-25T18:00:00+00:00", resume="2026-03-31T18:00:00+01:00", reason=("1 to 3 extra days",)),
    # CrCl 29.9, high: 5 days, last on day -6 (Tue 24 Mar 18:00 GMT); day +2 (Wed 1 Apr 18:00 BST).
    Case(id="chest-rivaroxaban-crcl-29.9-high", request=request(med("rivaroxaban", "18:00"), at=B, risk="high",
                                                     guideline="chest-2022", crcl=29.9), rule_id="chest-2022:rivaroxaban:crcl-below-30", action="review", last_dose="2026-03-24T18:00:00+00:00", resume="2026-04-01T18:00:00+01:00", reason=("1 to 3 extra days",)),
    # CrCl 15 is in edoxaban's 15-up band: 2 days, last Fri 27 Mar 08:00 GMT; day +2, Wed 1 Apr 08:00 BST.
    # CrCl exactly 15 is in the band below: 5 days, Tue 24 Mar 08:00 GMT; day +2.
    Case(id="chest-edoxaban-crcl-15-exactly", request=request(med("Lixiana", "08:00"), at=B, risk="high",
                                                   guideline="chest-2022", crcl=15), rule_id="chest-2022:edoxaban:crcl-below-15", action="review", last_dose="2026-03-24T08:00:00+00:00", resume="2026-04-01T08:00:00+01:00", reason=("1 to 3 extra days",)),
    # CrCl 14.9: 5 days, last on day -6, Tue 24 Mar 08:00 GMT; day +2.
    Case(id="chest-edoxaban-crcl-14.9", request=request(med("Lixiana", "08:00"), at=B, risk="high",
                                             guideline="chest-2022", crcl=14.9), rule_id="chest-2022:edoxaban:crcl-below-15", action="review", last_dose="2026-03-24T08:00:00+00:00", resume="2026-04-01T08:00:00+01:00", reason=("1 to 3 extra days",)),
    # --- NSAIDs at high risk, procedure A; "24 hours" after 09:30 Tue 8 is 09:30 Wed 9 -----------------------
    # 1 day: no dose Mon 7 or day 0; last on day -2, Sun 6 Dec at 20:00; first dose from 09:30 Wed 9: 14:00.
    Case(id="ibuprofen", request=request(med("Nurofen", "08:00", "14:00", "20:00"), risk="high"), rule_id="asra-pain-2018:ibuprofen", action="hold", last_dose="2026-12-06T20:00:00+08:00", resume="2026-12-09T14:00:00+08:00"),
    Case(id="diclofenac", request=request(med("Voltaren", "08:00", "20:00"), risk="high"), rule_id="asra-pain-2018:diclofenac", action="hold", last_dose="2026-12-06T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00"),
    # The 00:00 dose on Mon 7 is on day -1, so the last is 18:00 Sun 6; from 09:30 Wed 9 the next is 12:00.
    Case(id="ketorolac", request=request(med("Toradol", "00:00", "06:00", "12:00", "18:00"), risk="high"), rule_id="asra-pain-2018:ketorolac", action="hold", last_dose="2026-12-06T18:00:00+08:00", resume="2026-12-09T12:00:00+08:00"),
    # 2 days: last on day -3, Sat 5 Dec.
    Case(id="etodolac", request=request(med("Lodine", "08:00", "20:00"), risk="high"), rule_id="asra-pain-2018:etodolac", action="hold", last_dose="2026-12-05T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00"),
    Case(id="indomethacin", request=request(med("Indocid", "08:00", "14:00", "20:00"), risk="high"), rule_id="asra-pain-2018:indomethacin", action="hold", last_dose="2026-12-05T20:00:00+08:00", resume="2026-12-09T14:00:00+08:00"),
    # 4 days: last on day -5, Thu 3 Dec.
    Case(id="naproxen", request=request(med("Naprosyn", "08:00", "20:00"), risk="high"), rule_id="asra-pain-2018:naproxen", action="hold", last_dose="2026-12-03T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00"),
    # Once daily at 08:00: from 09:30 Wed 9 the next dose is 08:00 Thu 10.
    Case(id="meloxicam", request=request(med("Mobic", "08:00"), risk="high"), rule_id="asra-pain-2018:meloxicam", action="hold", last_dose="2026-12-03T08:00:00+08:00", resume="2026-12-10T08:00:00+08:00"),
    # 6 days: last on day -7, Tue 1 Dec at 21:00.
    Case(id="nabumetone", request=request(med("Relafen", "21:00"), risk="high"), rule_id="asra-pain-2018:nabumetone", action="hold", last_dose="2026-12-01T21:00:00+08:00", resume="2026-12-09T21:00:00+08:00"),
    # 10 days: last on day -11, Fri 27 Nov.
    Case(id="oxaprozin", request=request(med("Daypro", "08:00"), risk="high"), rule_id="asra-pain-2018:oxaprozin", action="hold", last_dose="2026-11-27T08:00:00+08:00", resume="2026-12-10T08:00:00+08:00"),
    # At 09:30: the dose at 09:30 Wed 9 is exactly 24 hours after, which is "at least" 24 hours.
    Case(id="piroxicam", request=request(med("Feldene", "09:30"), risk="high"), rule_id="asra-pain-2018:piroxicam", action="hold", last_dose="2026-11-27T09:30:00+08:00", resume="2026-12-09T09:30:00+08:00"),
    Case(id="naproxen-intermediate", request=request(med("naproxen", "08:00", "20:00")), rule_id="asra-pain-2018:naproxen", action="continue"),
    Case(id="cox2-high", request=request(med("Celebrex", "08:00"), risk="high"), rule_id="asra-pain-2018:cox2-inhibitor", action="continue"),
    # --- SSRIs/SNRIs and supplements ---------------------------------------------------------------------
    Case(id="ssri-low", request=request(med("Zoloft", "08:00"), risk="low"), rule_id="ukcpa:ssri-snri", action="continue"),
    Case(id="snri-high", request=request(med("Cymbalta", "08:00"), risk="high"), rule_id="ukcpa:ssri-snri", action="review", reason=("decide with the prescriber",)),
    # 7 days: no dose Tue 1 - Mon 7; last on day -8, Mon 30 Nov; from 09:30 Wed 9 the next 08:00 is Thu 10.
    Case(id="garlic-high", request=request(med("garlic", "08:00"), risk="high"), rule_id="asra-pain-2018:garlic", action="review", last_dose="2026-11-30T08:00:00+08:00", resume="2026-12-10T08:00:00+08:00", reason=("decide with the proceduralist",)),
    # 7 days at 20:00: last Mon 30 Nov 20:00; from 09:30 Wed 9: 20:00 Wed 9.
    Case(id="ginseng-high", request=request(med("ginseng", "20:00"), risk="high"), rule_id="asra-pain-2018:ginseng", action="review", last_dose="2026-11-30T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00", reason=("decide with the proceduralist",)),
    # 3 days: no dose Sat 5 - Mon 7; last on day -4, Fri 4 Dec 20:00.
    Case(id="ginkgo-high", request=request(med("ginkgo biloba", "08:00", "20:00"), risk="high"), rule_id="asra-pain-2018:ginkgo", action="review", last_dose="2026-12-04T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00", reason=("decide with the proceduralist",)),
    Case(id="fish-oil-high", request=request(med("Omacor", "08:00"), risk="high"), rule_id="asra-pain-2018:fish-oil", action="review", reason=("decide with the proceduralist",)),
    Case(id="fish-oil-intermediate", request=request(med("fish oil", "08:00")), rule_id="asra-pain-2018:fish-oil", action="continue"),
    Case(id="vitamin-e-high", request=request(med("tocopherol", "08:00"), risk="high"), rule_id="asra-pain-2018:vitamin-e", action="review", reason=("decide with the proceduralist",)),
    # --- fasting: SGLT2 inhibitors (every tier alike), procedure A ------------------------------------------
    # 3 days: no dose Sat 5 - Mon 7 or day 0; last on day -4, Fri 4 Dec 08:00; restart day +1, 08:00 Wed 9.
    Case(id="sglt2-fasting", request=request(med("Jardiance", "08:00"), fasting=True), rule_id="fda-2020:sglt2-inhibitor", action="hold", last_dose="2026-12-04T08:00:00+08:00", resume="2026-12-09T08:00:00+08:00", says=("Restart only when you are eating and drinking normally again.",)),
    # 4 days: last on day -5, Thu 3 Dec 08:00.
    Case(id="ertugliflozin-fasting", request=request(med("Steglatro", "08:00"), fasting=True), rule_id="fda-2020:ertugliflozin", action="hold", last_dose="2026-12-03T08:00:00+08:00", resume="2026-12-09T08:00:00+08:00", says=("Restart only when you are eating and drinking normally again.",)),
    Case(id="sglt2-not-fasting", request=request(med("Forxiga", "08:00"), fasting=False), rule_id="fda-2020:sglt2-inhibitor", action="continue", says=("Keep taking your Forxiga (dapagliflozin) as usual, including on the day of the procedure.",)),
    Case(id="sglt2-fasting-not-said", request=request(med("Invokana", "08:00")), rule_id=None, action="review", reason=("canagliflozin's plan depends on whether the procedure has fasting: procedure.fasting needed",)),
    # --- sedation: GLP-1 receptor agonists, procedure A (a Tuesday) -----------------------------------------
    # The table's default, multisociety 2024: a daily agent continues, with a clear-liquid day before.
    Case(id="glp1-daily-multisociety", request=request(med("Victoza", "08:00"), sedation=True), rule_id="multisociety-2024:glp1-ra:daily", action="continue", says=("Have only clear liquids for the 24 hours before the procedure",)),
    # A weekly agent (Sundays 09:00) is reviewed with the ASA 2023 week as the proposal: no dose Tue 1 -
    # Mon 7, so the Sunday 6 Dec dose is skipped and the last is Sun 29 Nov; restart from day +1 (Wed 9)
    # at the next Sunday dose, 13 Dec.
    Case(id="glp1-weekly-multisociety", request=request(med("Ozempic", "09:00", days=["sunday"]), sedation=True), rule_id="multisociety-2024:glp1-ra:weekly", action="review", last_dose="2026-11-29T09:00:00+08:00", resume="2026-12-13T09:00:00+08:00", reason=("decide with the anaesthetist",)),
    # ASA 2023 by inline policy: a daily agent is not taken on day 0 before the procedure (the 07:00
    # dose); last Mon 7 at 07:00; restart day +1, 07:00 Wed 9.
    Case(id="glp1-daily-asa", request=request(med("Rybelsus", "07:00"), sedation=True, policy=ASA_2023), rule_id="asa-2023:glp1-ra:daily", action="hold", last_dose="2026-12-07T07:00:00+08:00", resume="2026-12-09T07:00:00+08:00"),
    # An evening dose: last Mon 7 at 20:00; day +1 means the 20:00 dose on day 0 is skipped too.
    Case(id="glp1-daily-asa-evening", request=request(med("Victoza", "20:00"), sedation=True, policy=ASA_2023), rule_id="asa-2023:glp1-ra:daily", action="hold", last_dose="2026-12-07T20:00:00+08:00", resume="2026-12-09T20:00:00+08:00"),
    # Weekly on Tuesdays, the procedure's weekday: no dose Tue 1 - Mon 7 (Tue 1 is day -7) nor 08:00 on
    # day 0 before the procedure, so the last is Tue 24 Nov; restart from day +1 at the next Tuesday, 15 Dec.
    Case(id="glp1-weekly-asa-same-weekday", request=request(med("Ozempic", "08:00", days=["tuesday"]), sedation=True,
                                                 policy=ASA_2023), rule_id="asa-2023:glp1-ra:weekly", action="hold", last_dose="2026-11-24T08:00:00+08:00", resume="2026-12-15T08:00:00+08:00"),
    # Weekly on Fridays: no dose Tue 1 - Mon 7 skips Fri 4 Dec; last Fri 27 Nov; restart Fri 11 Dec.
    Case(id="glp1-weekly-asa-other-weekday", request=request(med("Trulicity", "18:00", days=["friday"]), sedation=True,
                                                  policy=ASA_2023), rule_id="asa-2023:glp1-ra:weekly", action="hold", last_dose="2026-11-27T18:00:00+08:00", resume="2026-12-11T18:00:00+08:00"),
    Case(id="glp1-weekly-without-days", request=request(med("Mounjaro", "08:00"), sedation=True), rule_id="multisociety-2024:glp1-ra:weekly", action="review", reason=("tirzepatide is taken weekly: its usual day (days) is needed to date the last dose",
                 "decide with the anaesthetist")),
    Case(id="glp1-weekly-brand-said-daily", request=request(med("Ozempic", "08:00", regimen="daily"), sedation=True), rule_id=None, action="review", reason=("Ozempic is semaglutide taken weekly, but the request says daily: confirm which the patient takes",)),
    Case(id="glp1-without-sedation", request=request(med("Trulicity", "18:00", days=["friday"]), sedation=False), rule_id="multisociety-2024:glp1-ra:weekly", action="continue"),
    # --- contrast: metformin by eGFR (ACR), procedure A ------------------------------------------------------
    # eGFR 29.9, category II: no dose on day 0 before 09:30; last Mon 7 at 20:00. 48 real hours after
    # 09:30 Tue 8 is 09:30 Thu 10 -> 20:00 Thu 10.
    # Below eGFR 30 metformin is also contraindicated (its label): review, with the ACR dates as the
    # proposal and the eGFR check dated on day +2, before the restart.
    Case(id="metformin-egfr-29.9", request=request(med("Diabex", "08:00", "20:00"), contrast=True, egfr=29.9), rule_id="acr-2021:metformin:egfr-below-30", action="review", last_dose="2026-12-07T20:00:00+08:00", resume="2026-12-10T20:00:00+08:00", checks=(("eGFR", None, "2026-12-10"),), reason=("at or below metformin's floor of 30",)),
    # eGFR exactly 30 is in the band below (ACR says 30 or more is category I; the table's cut-offs
    # take the cautious side): as for 29.9.
    Case(id="metformin-egfr-30", request=request(med("Diabex", "08:00", "20:00"), contrast=True, egfr=30), rule_id="acr-2021:metformin:egfr-below-30", action="review", last_dose="2026-12-07T20:00:00+08:00", resume="2026-12-10T20:00:00+08:00", checks=(("eGFR", None, "2026-12-10"),), reason=("at or below metformin's floor of 30",)),
    Case(id="metformin-egfr-30.5", request=request(med("Diabex", "08:00", "20:00"), contrast=True, egfr=30.5), rule_id="acr-2021:metformin:egfr-30-up", action="continue"),
    Case(id="metformin-egfr-not-given", request=request(med("metformin", "08:00", "20:00"), contrast=True), rule_id=None, action="review", reason=("metformin's rule depends on renal function: eGFR needed (patient.egfr)",)),
    # Without contrast the ACR row does not apply, but the label's floor does.
    Case(id="metformin-no-contrast", request=request(med("metformin", "08:00", "20:00"), contrast=False, egfr=20), rule_id="acr-2021:metformin:egfr-below-30", action="review", reason=("at or below metformin's floor of 30",)),
    Case(id="metformin-no-contrast-egfr-45", request=request(med("metformin", "08:00", "20:00"), contrast=False, egfr=45), rule_id="acr-2021:metformin:egfr-30-up", action="continue"),
    # Procedure C (Fri 27 Mar 10:00 GMT): last on day -1, Thu 26 at 22:30 GMT. 48 real hours after
    # 10:00 UTC Fri is 10:00 UTC Sun 29 = 11:00 BST, so the 10:30 BST dose (47.5 h) is too early: 22:30 BST.
    Case(id="metformin-48-hours-across-the-spring-forward", request=request(med("Glucophage", "10:30", "22:30"), at=C, contrast=True, egfr=25), rule_id="acr-2021:metformin:egfr-below-30", action="review", last_dose="2026-03-26T22:30:00+00:00", resume="2026-03-29T22:30:00+01:00", checks=(("eGFR", None, "2026-03-29"),), reason=("at or below metformin's floor of 30",)),
    # --- fasting: sulfonylureas and insulin, procedure A ------------------------------------------------
    # 0 days: the 08:00 dose on day 0 is before the procedure and skipped; last Mon 7 08:00. Restart day 0:
    # no dose after 09:30 that day, so the first after the procedure is 08:00 Wed 9.
    Case(id="sulfonylurea-morning", request=request(med("Diamicron MR", "08:00"), fasting=True), rule_id="ada:sulfonylurea", action="hold", last_dose="2026-12-07T08:00:00+08:00", resume="2026-12-09T08:00:00+08:00", says=("Take it again with your first meal once you are eating normally.",)),
    # An evening dose is not due before the procedure: last Mon 7 18:00, restart 18:00 on day 0.
    Case(id="sulfonylurea-evening", request=request(med("Amaryl", "18:00"), fasting=True), rule_id="ada:sulfonylurea", action="hold", last_dose="2026-12-07T18:00:00+08:00", resume="2026-12-08T18:00:00+08:00", says=("Take it again with your first meal once you are eating normally.",)),
    Case(id="insulin-fasting", request=request(med("Lantus", "22:00"), fasting=True), rule_id="ada:insulin", action="review", reason=("write the patient's doses with the diabetes team",)),
    # --- sedation: lithium and MAOIs --------------------------------------------------------------------
    # Proposal 24 hours: before 09:30 Mon 7 the latest dose is 08:00 Mon 7; restart day 0, the first dose
    # after the procedure: 20:00 Tue 8.
    Case(id="lithium-sedation", request=request(med("Priadel", "08:00", "20:00"), sedation=True), rule_id="ukcpa:lithium", action="review", last_dose="2026-12-07T08:00:00+08:00", resume="2026-12-08T20:00:00+08:00", reason=("decide with the anaesthetist",)),
    Case(id="lithium-no-sedation", request=request(med("lithium", "08:00", "20:00"), sedation=False), rule_id="ukcpa:lithium", action="continue"),
    # Procedure D (Sun 1 Nov 12:00 EST = 17:00 UTC): 24 real hours before is 17:00 UTC Sat 31 Oct = 13:00 EDT,
    # so the 12:30 EDT dose (24.5 h before) is the last; restart day 0 at 12:30 EST, after the procedure.
    Case(id="lithium-24-hours-across-the-fall-back", request=request(med("lithium", "08:00", "12:30"), at=D, sedation=True), rule_id="ukcpa:lithium", action="review", last_dose="2026-10-31T12:30:00-04:00", resume="2026-11-01T12:30:00-05:00", reason=("decide with the anaesthetist",)),
    Case(id="maoi-sedation", request=request(med("Nardil", "08:00"), sedation=True), rule_id="ukcpa:maoi", action="review", reason=("planned with the anaesthetist and the psychiatrist",)),
    Case(id="maoi-no-sedation", request=request(med("phenelzine", "08:00"), sedation=False), rule_id="ukcpa:maoi", action="continue"),
    # --- aspirin by indication (ASRA pain 2018), procedure A ----------------------------------------------
    Case(id="aspirin-primary-low", request=request(med("aspirin", "08:00", indication="primary-prevention"), risk="low"), rule_id="asra-pain-2018:aspirin:primary-prevention", action="continue"),
    # The table reviews it; the seed policy continues aspirin before an intermediate-risk procedure.
    Case(id="aspirin-primary-intermediate", request=request(med("aspirin", "08:00", indication="primary-prevention")), rule_id="asra-pain-2018:aspirin:primary-prevention", action="continue"),
    # 6 days: no dose Wed 2 - Mon 7; last on day -7, Tue 1 Dec; 24 h after 09:30 -> 08:00 Thu 10.
    Case(id="aspirin-primary-high", request=request(med("Cartia", "08:00", indication="primary-prevention"), risk="high"), rule_id="asra-pain-2018:aspirin:primary-prevention", action="hold", last_dose="2026-12-01T08:00:00+08:00", resume="2026-12-10T08:00:00+08:00"),
    Case(id="aspirin-secondary-low", request=request(med("aspirin", "08:00", indication="secondary-prevention"), risk="low"), rule_id="asra-pain-2018:aspirin:secondary-prevention", action="continue"),
    Case(id="aspirin-secondary-intermediate", request=request(med("aspirin", "08:00", indication="secondary-prevention")), rule_id="asra-pain-2018:aspirin:secondary-prevention", action="continue"),
    # Review, with the primary-prevention hold as the proposal: Tue 1 Dec 08:00 and Thu 10 Dec 08:00.
    Case(id="aspirin-secondary-high", request=request(med("Cartia", "08:00", indication="secondary-prevention"), risk="high"), rule_id="asra-pain-2018:aspirin:secondary-prevention", action="review", last_dose="2026-12-01T08:00:00+08:00", resume="2026-12-10T08:00:00+08:00", reason=("stop only with the prescriber's agreement",)),
    # A clinic that leaves aspirin to the table ("table": a file has no null): the intermediate tier's
    # review, with its proposal (6 days: Tue 1 Dec; 24 h: Thu 10 Dec 08:00).
    Case(id="aspirin-primary-intermediate-table-policy", request=request(med("aspirin", "08:00", indication="primary-prevention"),
                 policy={"aspirin_before_intermediate": "table"}), rule_id="asra-pain-2018:aspirin:primary-prevention", action="review", last_dose="2026-12-01T08:00:00+08:00", resume="2026-12-10T08:00:00+08:00", reason=("shared assessment",)),
    Case(id="aspirin-secondary-intermediate-table-policy", request=request(med("aspirin", "08:00", indication="secondary-prevention"),
                 policy={"aspirin_before_intermediate": "table"}), rule_id="asra-pain-2018:aspirin:secondary-prevention", action="review", reason=("shared assessment",)),
    # A clinic that holds it: the row's high-risk hold, Tue 1 Dec 08:00 to Thu 10 Dec 08:00.
    Case(id="aspirin-primary-intermediate-hold-policy", request=request(med("aspirin", "08:00", indication="primary-prevention"),
                 policy={"aspirin_before_intermediate": "hold"}), rule_id="asra-pain-2018:aspirin:primary-prevention", action="hold", last_dose="2026-12-01T08:00:00+08:00", resume="2026-12-10T08:00:00+08:00"),
]

