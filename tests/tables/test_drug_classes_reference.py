"""Every rule and tier of the bundled drug-class table gives the exact numbers of the clinical reference.

One expected line per rule and tier (holidays-style), read off
``/work/shared/clinical-reference.md`` and
``docs/research/2026-11-clinical-coverage.md``, not the CSV.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tablecases import (
    RULE_IDS,
)

from medplan.model import BleedingRisk


@dataclass(frozen=True)
class Reference:
    """What one rule's tier gives: its action, and its hold and restart as str(Interval)."""

    rule_id: str
    tier: str
    action: str
    hold: str | None
    resume: str | None


# Each row is read off
# /work/shared/clinical-reference.md (sections as "1.3") or
# docs/research/2026-11-clinical-coverage.md ("research 2b"); the conservative
# choice of reference section 7 is taken where a source gives a range.
REFERENCE = [
    # 1.3 ASRA pain 2018 via UpToDate 108918 [C2]: warfarin 5 days, restart 6 h; no stop at low risk.
    Reference("asra-pain-2018:warfarin", "low", "review", None, None),
    Reference("asra-pain-2018:warfarin", "intermediate", "hold", "5 days", "6 hours"),
    Reference("asra-pain-2018:warfarin", "high", "hold", "5 days", "6 hours"),
    # 1.3: acenocoumarol 3 days, restart 24 h.
    Reference("asra-pain-2018:acenocoumarol", "low", "review", None, None),
    Reference("asra-pain-2018:acenocoumarol", "intermediate", "hold", "3 days", "24 hours"),
    Reference("asra-pain-2018:acenocoumarol", "high", "hold", "3 days", "24 hours"),
    # 1.3 [U] rows and 7: factor Xa inhibitors 3 days (apixaban 3-5, conservative 3 days = 72 h).
    Reference("asra-pain-2018:apixaban", "low", "review", None, None),
    Reference("asra-pain-2018:apixaban", "intermediate", "hold", "3 days", "24 hours"),
    Reference("asra-pain-2018:apixaban", "high", "hold", "3 days", "24 hours"),
    Reference("asra-pain-2018:rivaroxaban", "low", "review", None, None),
    Reference("asra-pain-2018:rivaroxaban", "intermediate", "hold", "3 days", "24 hours"),
    Reference("asra-pain-2018:rivaroxaban", "high", "hold", "3 days", "24 hours"),
    Reference("asra-pain-2018:edoxaban", "low", "review", None, None),
    Reference("asra-pain-2018:edoxaban", "intermediate", "hold", "3 days", "24 hours"),
    Reference("asra-pain-2018:edoxaban", "high", "hold", "3 days", "24 hours"),
    # 1.3 [U]: dabigatran 4-5 days (longer end), 6 days if CrCl < 50; none given below 30.
    Reference("asra-pain-2018:dabigatran:crcl-50-up", "low", "review", None, None),
    Reference("asra-pain-2018:dabigatran:crcl-50-up", "intermediate", "hold", "5 days", "24 hours"),
    Reference("asra-pain-2018:dabigatran:crcl-50-up", "high", "hold", "5 days", "24 hours"),
    Reference("asra-pain-2018:dabigatran:crcl-30-50", "low", "review", None, None),
    Reference("asra-pain-2018:dabigatran:crcl-30-50", "intermediate", "hold", "6 days", "24 hours"),
    Reference("asra-pain-2018:dabigatran:crcl-30-50", "high", "hold", "6 days", "24 hours"),
    Reference("asra-pain-2018:dabigatran:crcl-below-30", "low", "review", None, None),
    Reference("asra-pain-2018:dabigatran:crcl-below-30", "intermediate", "review", None, None),
    Reference("asra-pain-2018:dabigatran:crcl-below-30", "high", "review", None, None),
    # 1.3: enoxaparin 12 h (prophylactic) / 24 h (therapeutic) at every tier; restart 4 h low, the window 12-24 h.
    Reference("asra-pain-2018:enoxaparin:prophylactic", "low", "hold", "12 hours", "4 hours"),
    Reference("asra-pain-2018:enoxaparin:prophylactic", "intermediate", "hold", "12 hours", "12-24 hours"),
    Reference("asra-pain-2018:enoxaparin:prophylactic", "high", "hold", "12 hours", "12-24 hours"),
    Reference("asra-pain-2018:enoxaparin:therapeutic", "low", "hold", "24 hours", "4 hours"),
    Reference("asra-pain-2018:enoxaparin:therapeutic", "intermediate", "hold", "24 hours", "12-24 hours"),
    Reference("asra-pain-2018:enoxaparin:therapeutic", "high", "hold", "24 hours", "12-24 hours"),
    # 1.3: dalteparin 24 h (one row, applied to both regimens).
    Reference("asra-pain-2018:dalteparin:prophylactic", "low", "hold", "24 hours", "4 hours"),
    Reference("asra-pain-2018:dalteparin:prophylactic", "intermediate", "hold", "24 hours", "12-24 hours"),
    Reference("asra-pain-2018:dalteparin:prophylactic", "high", "hold", "24 hours", "12-24 hours"),
    Reference("asra-pain-2018:dalteparin:therapeutic", "low", "hold", "24 hours", "4 hours"),
    Reference("asra-pain-2018:dalteparin:therapeutic", "intermediate", "hold", "24 hours", "12-24 hours"),
    Reference("asra-pain-2018:dalteparin:therapeutic", "high", "hold", "24 hours", "12-24 hours"),
    # 1.3: UFH IV 6 h, restart 2 h; UFH SC 6 h (24 h high), restart 2 h (6 h high).
    Reference("asra-pain-2018:heparin:iv", "low", "hold", "6 hours", "2 hours"),
    Reference("asra-pain-2018:heparin:iv", "intermediate", "hold", "6 hours", "2 hours"),
    Reference("asra-pain-2018:heparin:iv", "high", "hold", "6 hours", "2 hours"),
    Reference("asra-pain-2018:heparin:sc", "low", "hold", "6 hours", "2 hours"),
    Reference("asra-pain-2018:heparin:sc", "intermediate", "hold", "6 hours", "2 hours"),
    Reference("asra-pain-2018:heparin:sc", "high", "hold", "24 hours", "6 hours"),
    # 1.3 and research 1b [C2]: aspirin for primary prevention: no stop at low risk; shared assessment at
    # intermediate (proposal: the high-risk hold); 6 days, restart 24 h, at high risk.
    Reference("asra-pain-2018:aspirin:primary-prevention", "low", "continue", None, None),
    Reference("asra-pain-2018:aspirin:primary-prevention", "intermediate", "review", "6 days", "24 hours"),
    Reference("asra-pain-2018:aspirin:primary-prevention", "high", "hold", "6 days", "24 hours"),
    # Secondary prevention: shared assessment at intermediate (no hold proposed) and at high risk, where
    # research 1b proposes 6 days / 24 h only with the prescriber's agreement.
    Reference("asra-pain-2018:aspirin:secondary-prevention", "low", "continue", None, None),
    Reference("asra-pain-2018:aspirin:secondary-prevention", "intermediate", "review", None, None),
    Reference("asra-pain-2018:aspirin:secondary-prevention", "high", "review", "6 days", "24 hours"),
    # 1.3 [U] and 7: clopidogrel 7, prasugrel 7-10 -> 10, ticagrelor 5 days; restart 24 h.
    Reference("asra-pain-2018:clopidogrel", "low", "review", None, None),
    Reference("asra-pain-2018:clopidogrel", "intermediate", "hold", "7 days", "12-24 hours"),
    Reference("asra-pain-2018:clopidogrel", "high", "hold", "7 days", "12-24 hours"),
    Reference("asra-pain-2018:prasugrel", "low", "review", None, None),
    Reference("asra-pain-2018:prasugrel", "intermediate", "hold", "10 days", "24 hours"),
    Reference("asra-pain-2018:prasugrel", "high", "hold", "10 days", "24 hours"),
    Reference("asra-pain-2018:ticagrelor", "low", "review", None, None),
    Reference("asra-pain-2018:ticagrelor", "intermediate", "hold", "5 days", "24 hours"),
    Reference("asra-pain-2018:ticagrelor", "high", "hold", "5 days", "24 hours"),
    # 2.3 and 2.4: VKA stop 5 days, resume the evening of the procedure or the next morning: day 0 to +1.
    Reference("chest-2022:warfarin", "low", "hold", "5 days", "0-1 days"),
    Reference("chest-2022:warfarin", "intermediate", "hold", "5 days", "0-1 days"),
    Reference("chest-2022:warfarin", "high", "hold", "5 days", "0-1 days"),
    Reference("chest-2022:acenocoumarol", "low", "hold", "5 days", "0-1 days"),
    Reference("chest-2022:acenocoumarol", "intermediate", "hold", "5 days", "0-1 days"),
    Reference("chest-2022:acenocoumarol", "high", "hold", "5 days", "0-1 days"),
    # 2.2 PAUSE [C]: 1 / 2 days off; resume day +1 / the window day +2 to +3; for the CrCl the 2023 AF table
    # gives (4.5 [C2]: apixaban above 25, rivaroxaban above 30).
    Reference("chest-2022:apixaban:crcl-25-up", "low", "hold", "1 day", "1 day"),
    Reference("chest-2022:apixaban:crcl-25-up", "intermediate", "hold", "2 days", "2-3 days"),
    Reference("chest-2022:apixaban:crcl-25-up", "high", "hold", "2 days", "2-3 days"),
    Reference("chest-2022:rivaroxaban:crcl-30-up", "low", "hold", "1 day", "1 day"),
    Reference("chest-2022:rivaroxaban:crcl-30-up", "intermediate", "hold", "2 days", "2-3 days"),
    Reference("chest-2022:rivaroxaban:crcl-30-up", "high", "hold", "2 days", "2-3 days"),
    # 2.3 and 4.5: edoxaban (not in PAUSE) 1 / 2 days above CrCl 15.
    Reference("chest-2022:edoxaban:crcl-15-up", "low", "hold", "1 day", "1 day"),
    Reference("chest-2022:edoxaban:crcl-15-up", "intermediate", "hold", "2 days", "2-3 days"),
    Reference("chest-2022:edoxaban:crcl-15-up", "high", "hold", "2 days", "2-3 days"),
    # 4.5 footnote and research 3c [C2]: below the tabled CrCl few data, hold 1 to 3 extra days -> review,
    # proposing +3 (low 4 days, high 5 days) with PAUSE's restarts (2.2: day +1 / day +3).
    Reference("chest-2022:apixaban:crcl-below-25", "low", "review", "4 days", "1 day"),
    Reference("chest-2022:apixaban:crcl-below-25", "intermediate", "review", "5 days", "2-3 days"),
    Reference("chest-2022:apixaban:crcl-below-25", "high", "review", "5 days", "2-3 days"),
    Reference("chest-2022:rivaroxaban:crcl-below-30", "low", "review", "4 days", "1 day"),
    Reference("chest-2022:rivaroxaban:crcl-below-30", "intermediate", "review", "5 days", "2-3 days"),
    Reference("chest-2022:rivaroxaban:crcl-below-30", "high", "review", "5 days", "2-3 days"),
    Reference("chest-2022:edoxaban:crcl-below-15", "low", "review", "4 days", "1 day"),
    Reference("chest-2022:edoxaban:crcl-below-15", "intermediate", "review", "5 days", "2-3 days"),
    Reference("chest-2022:edoxaban:crcl-below-15", "high", "review", "5 days", "2-3 days"),
    # 2.2: dabigatran CrCl >= 50: 1 / 2 days; CrCl < 50: 2 / 4 days; below 30 not studied.
    Reference("chest-2022:dabigatran:crcl-50-up", "low", "hold", "1 day", "1 day"),
    Reference("chest-2022:dabigatran:crcl-50-up", "intermediate", "hold", "2 days", "2-3 days"),
    Reference("chest-2022:dabigatran:crcl-50-up", "high", "hold", "2 days", "2-3 days"),
    Reference("chest-2022:dabigatran:crcl-30-50", "low", "hold", "2 days", "1 day"),
    Reference("chest-2022:dabigatran:crcl-30-50", "intermediate", "hold", "4 days", "2-3 days"),
    Reference("chest-2022:dabigatran:crcl-30-50", "high", "hold", "4 days", "2-3 days"),
    Reference("chest-2022:dabigatran:crcl-below-30", "low", "review", None, None),
    Reference("chest-2022:dabigatran:crcl-below-30", "intermediate", "review", None, None),
    Reference("chest-2022:dabigatran:crcl-below-30", "high", "review", None, None),
    # 2.3: LMWH last dose ~24 h before; resume >= 24 h (low) / the window 48-72 h (high).
    Reference("chest-2022:enoxaparin:therapeutic", "low", "hold", "24 hours", "24 hours"),
    Reference("chest-2022:enoxaparin:therapeutic", "intermediate", "hold", "24 hours", "48-72 hours"),
    Reference("chest-2022:enoxaparin:therapeutic", "high", "hold", "24 hours", "48-72 hours"),
    Reference("chest-2022:dalteparin:therapeutic", "low", "hold", "24 hours", "24 hours"),
    Reference("chest-2022:dalteparin:therapeutic", "intermediate", "hold", "24 hours", "48-72 hours"),
    Reference("chest-2022:dalteparin:therapeutic", "high", "hold", "24 hours", "48-72 hours"),
    # No CHEST interval for prophylactic LMWH: ASRA's 12 h with CHEST's restart, proposed for review.
    Reference("chest-2022:enoxaparin:prophylactic", "low", "review", "12 hours", "24 hours"),
    Reference("chest-2022:enoxaparin:prophylactic", "intermediate", "review", "12 hours", "48-72 hours"),
    Reference("chest-2022:enoxaparin:prophylactic", "high", "review", "12 hours", "48-72 hours"),
    Reference("chest-2022:dalteparin:prophylactic", "low", "review", "12 hours", "24 hours"),
    Reference("chest-2022:dalteparin:prophylactic", "intermediate", "review", "12 hours", "48-72 hours"),
    Reference("chest-2022:dalteparin:prophylactic", "high", "review", "12 hours", "48-72 hours"),
    # IV heparin: CHEST 4 h, ASRA 6 h -> 6 h; LMWH-style restart.
    Reference("chest-2022:heparin:iv", "low", "hold", "6 hours", "24 hours"),
    Reference("chest-2022:heparin:iv", "intermediate", "hold", "6 hours", "48-72 hours"),
    Reference("chest-2022:heparin:iv", "high", "hold", "6 hours", "48-72 hours"),
    # SC heparin: no CHEST interval; ASRA's 6 h / 24 h high, proposed for review.
    Reference("chest-2022:heparin:sc", "low", "review", "6 hours", "24 hours"),
    Reference("chest-2022:heparin:sc", "intermediate", "review", "24 hours", "48-72 hours"),
    Reference("chest-2022:heparin:sc", "high", "review", "24 hours", "48-72 hours"),
    # 2.3: aspirin continued in most; if stopped, 7 days or less.
    Reference("chest-2022:aspirin", "low", "continue", None, None),
    Reference("chest-2022:aspirin", "intermediate", "review", "7 days", "1 day"),  # CHEST's intermediate = high
    Reference("chest-2022:aspirin", "high", "review", "7 days", "1 day"),
    # 2.3 and 4.6: clopidogrel 5, ticagrelor 3-5 -> 5, prasugrel 7 days; resume within 24 h.
    Reference("chest-2022:clopidogrel", "low", "review", None, None),
    Reference("chest-2022:clopidogrel", "intermediate", "hold", "5 days", "1 day"),
    Reference("chest-2022:clopidogrel", "high", "hold", "5 days", "1 day"),
    Reference("chest-2022:prasugrel", "low", "review", None, None),
    Reference("chest-2022:prasugrel", "intermediate", "hold", "7 days", "1 day"),
    Reference("chest-2022:prasugrel", "high", "hold", "7 days", "1 day"),
    Reference("chest-2022:ticagrelor", "low", "review", None, None),
    Reference("chest-2022:ticagrelor", "intermediate", "hold", "5 days", "1 day"),
    Reference("chest-2022:ticagrelor", "high", "hold", "5 days", "1 day"),
    # --- issue 3: the wider classes -------------------------------------------------------------
    # 1.3 [C2] and research 2b: dipyridamole and cilostazol 2 days before high-risk procedures only; restart
    # 24 h (dipyridamole's restart cell is blank in 2018, 24 h in the 2015 edition).
    Reference("asra-pain-2018:dipyridamole", "low", "continue", None, None),
    Reference("asra-pain-2018:dipyridamole", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:dipyridamole", "high", "hold", "2 days", "24 hours"),
    Reference("asra-pain-2018:cilostazol", "low", "continue", None, None),
    Reference("asra-pain-2018:cilostazol", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:cilostazol", "high", "hold", "2 days", "24 hours"),
    # 1.3 "aspirin combinations" and research 1b [C2]: no stop at low risk (inferred); shared assessment at
    # intermediate; "follow the aspirin recommendation" at high: secondary prevention, proposal 6 days / 24 h.
    Reference("asra-pain-2018:aspirin-dipyridamole", "low", "continue", None, None),
    Reference("asra-pain-2018:aspirin-dipyridamole", "intermediate", "review", None, None),
    Reference("asra-pain-2018:aspirin-dipyridamole", "high", "review", "6 days", "24 hours"),
    # 1.3 [U] and research 2b [U]: ticlopidine, ASRA regional (Horlocker 2018) 10 days; review at low risk.
    Reference("asra-pain-2018:ticlopidine", "low", "review", None, None),
    Reference("asra-pain-2018:ticlopidine", "intermediate", "hold", "10 days", "24 hours"),
    Reference("asra-pain-2018:ticlopidine", "high", "hold", "10 days", "24 hours"),
    # Research 2b [C2, 2015 edition]: GP IIb/IIIa infusions are review at every tier; the high-risk column
    # proposes abciximab 2-5 days -> 5 days and eptifibatide/tirofiban 8-24 h -> 24 h, and the restart window 8-12 h.
    # The notes give no proposal at low or intermediate risk.
    Reference("asra-pain-2018:abciximab", "low", "review", None, None),
    Reference("asra-pain-2018:abciximab", "intermediate", "review", None, None),
    Reference("asra-pain-2018:abciximab", "high", "review", "5 days", "8-12 hours"),
    Reference("asra-pain-2018:eptifibatide-tirofiban", "low", "review", None, None),
    Reference("asra-pain-2018:eptifibatide-tirofiban", "intermediate", "review", None, None),
    Reference("asra-pain-2018:eptifibatide-tirofiban", "high", "review", "24 hours", "8-12 hours"),
    # 1.3 [U] and research 3b: fondaparinux 4 days / 24 h at intermediate and high; shared assessment at low.
    Reference("asra-pain-2018:fondaparinux", "low", "review", None, None),
    Reference("asra-pain-2018:fondaparinux", "intermediate", "hold", "4 days", "24 hours"),
    Reference("asra-pain-2018:fondaparinux", "high", "hold", "4 days", "24 hours"),
    # Research 3b [C2]: ESAIC/ESRA 2022, about 7 days to a normal INR; review at low risk as for warfarin.
    # Restart: the seed's day after (0 [C]; 7, the VKA restart); research 3b's 24 hours is [U].
    Reference("esaic-esra-2022:phenprocoumon", "low", "review", None, None),
    Reference("esaic-esra-2022:phenprocoumon", "intermediate", "hold", "7 days", "1 day"),
    Reference("esaic-esra-2022:phenprocoumon", "high", "hold", "7 days", "1 day"),
    # Research 3b [U]: the LMWH rows of 1.3 applied to tinzaparin: prophylactic 12 h, therapeutic 24 h at every
    # tier; restart 4 h at low risk, 12-24 h -> 24 h at intermediate and high.
    Reference("asra-pain-2018:tinzaparin:prophylactic", "low", "hold", "12 hours", "4 hours"),
    Reference("asra-pain-2018:tinzaparin:prophylactic", "intermediate", "hold", "12 hours", "24 hours"),
    Reference("asra-pain-2018:tinzaparin:prophylactic", "high", "hold", "12 hours", "24 hours"),
    Reference("asra-pain-2018:tinzaparin:therapeutic", "low", "hold", "24 hours", "4 hours"),
    Reference("asra-pain-2018:tinzaparin:therapeutic", "intermediate", "hold", "24 hours", "24 hours"),
    Reference("asra-pain-2018:tinzaparin:therapeutic", "high", "hold", "24 hours", "24 hours"),
    # 1.3 [C2] and research 4b: NSAIDs continued at low and intermediate risk; five half-lives before high-risk
    # procedures: ibuprofen, diclofenac, ketorolac 1 day; etodolac, indomethacin 2; naproxen, meloxicam 4;
    # nabumetone 6; oxaprozin, piroxicam 10; restart 24 h.
    Reference("asra-pain-2018:ibuprofen", "low", "continue", None, None),
    Reference("asra-pain-2018:ibuprofen", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:ibuprofen", "high", "hold", "1 day", "24 hours"),
    Reference("asra-pain-2018:diclofenac", "low", "continue", None, None),
    Reference("asra-pain-2018:diclofenac", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:diclofenac", "high", "hold", "1 day", "24 hours"),
    Reference("asra-pain-2018:ketorolac", "low", "continue", None, None),
    Reference("asra-pain-2018:ketorolac", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:ketorolac", "high", "hold", "1 day", "24 hours"),
    Reference("asra-pain-2018:etodolac", "low", "continue", None, None),
    Reference("asra-pain-2018:etodolac", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:etodolac", "high", "hold", "2 days", "24 hours"),
    Reference("asra-pain-2018:indomethacin", "low", "continue", None, None),
    Reference("asra-pain-2018:indomethacin", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:indomethacin", "high", "hold", "2 days", "24 hours"),
    Reference("asra-pain-2018:naproxen", "low", "continue", None, None),
    Reference("asra-pain-2018:naproxen", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:naproxen", "high", "hold", "4 days", "24 hours"),
    Reference("asra-pain-2018:meloxicam", "low", "continue", None, None),
    Reference("asra-pain-2018:meloxicam", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:meloxicam", "high", "hold", "4 days", "24 hours"),
    Reference("asra-pain-2018:nabumetone", "low", "continue", None, None),
    Reference("asra-pain-2018:nabumetone", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:nabumetone", "high", "hold", "6 days", "24 hours"),
    Reference("asra-pain-2018:oxaprozin", "low", "continue", None, None),
    Reference("asra-pain-2018:oxaprozin", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:oxaprozin", "high", "hold", "10 days", "24 hours"),
    Reference("asra-pain-2018:piroxicam", "low", "continue", None, None),
    Reference("asra-pain-2018:piroxicam", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:piroxicam", "high", "hold", "10 days", "24 hours"),
    # Research 4b [C2]: "non-aspirin NSAIDs (excluding celecoxib)": COX-2 selective agents continued.
    Reference("asra-pain-2018:cox2-inhibitor", "low", "continue", None, None),
    Reference("asra-pain-2018:cox2-inhibitor", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:cox2-inhibitor", "high", "continue", None, None),
    # 5.6 [C] (UKCPA: continue SSRIs) and research 5b (ASRA 2018 [U]: consider stopping only before high-risk
    # procedures, with the prescriber, no fixed interval): the more cautious reading at high risk is review.
    Reference("ukcpa:ssri-snri", "low", "continue", None, None),
    Reference("ukcpa:ssri-snri", "intermediate", "continue", None, None),
    Reference("ukcpa:ssri-snri", "high", "review", None, None),
    # Research 5b: supplements continued at low and intermediate risk, review at high. Proposals, restart 24 h:
    # garlic and ginseng 7 days (Ang-Lee [C2]; it corrects 1.3's 24 h for ginseng); ginkgo 3 days (the [C2]
    # summary; the recalled 36 h is [U] and shorter). Fish oil and vitamin E: 7 days is [U] only, and those
    # rows are not marked U, so no interval may ship (issue 3).
    Reference("asra-pain-2018:garlic", "low", "continue", None, None),
    Reference("asra-pain-2018:garlic", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:garlic", "high", "review", "7 days", "24 hours"),
    Reference("asra-pain-2018:ginseng", "low", "continue", None, None),
    Reference("asra-pain-2018:ginseng", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:ginseng", "high", "review", "7 days", "24 hours"),
    Reference("asra-pain-2018:ginkgo", "low", "continue", None, None),
    Reference("asra-pain-2018:ginkgo", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:ginkgo", "high", "review", "3 days", "24 hours"),
    Reference("asra-pain-2018:fish-oil", "low", "continue", None, None),
    Reference("asra-pain-2018:fish-oil", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:fish-oil", "high", "review", None, None),
    Reference("asra-pain-2018:vitamin-e", "low", "continue", None, None),
    Reference("asra-pain-2018:vitamin-e", "intermediate", "continue", None, None),
    Reference("asra-pain-2018:vitamin-e", "high", "review", None, None),
    # 5.1, 7 and research 6b [C2]: FDA, at least 3 days (ertugliflozin 4), counted in whole days (6); restart
    # when eating and drinking normally, day +1 at the earliest. Every tier alike (fasting, not bleeding).
    Reference("fda-2020:sglt2-inhibitor", "low", "hold", "3 days", "1 day"),
    Reference("fda-2020:sglt2-inhibitor", "intermediate", "hold", "3 days", "1 day"),
    Reference("fda-2020:sglt2-inhibitor", "high", "hold", "3 days", "1 day"),
    Reference("fda-2020:ertugliflozin", "low", "hold", "4 days", "1 day"),
    Reference("fda-2020:ertugliflozin", "intermediate", "hold", "4 days", "1 day"),
    Reference("fda-2020:ertugliflozin", "high", "hold", "4 days", "1 day"),
    # 5.2 and 7 [C]: multisociety 2024: continue (24 h liquid diet); a weekly agent is a higher-risk feature, so
    # review, proposing the ASA 2023 week (research 6b).
    Reference("multisociety-2024:glp1-ra:daily", "low", "continue", None, None),
    Reference("multisociety-2024:glp1-ra:daily", "intermediate", "continue", None, None),
    Reference("multisociety-2024:glp1-ra:daily", "high", "continue", None, None),
    Reference("multisociety-2024:glp1-ra:weekly", "low", "review", "7 days", "1 day"),
    Reference("multisociety-2024:glp1-ra:weekly", "intermediate", "review", "7 days", "1 day"),
    Reference("multisociety-2024:glp1-ra:weekly", "high", "review", "7 days", "1 day"),
    # 5.2 [C]: ASA 2023: a daily agent held on the day of the procedure (0 days; no dose that day, so the next
    # is on day +1), a weekly agent a week before (7 days), restarting at the next usual dose (research 6b).
    Reference("asa-2023:glp1-ra:daily", "low", "hold", "0 days", "1 day"),
    Reference("asa-2023:glp1-ra:daily", "intermediate", "hold", "0 days", "1 day"),
    Reference("asa-2023:glp1-ra:daily", "high", "hold", "0 days", "1 day"),
    Reference("asa-2023:glp1-ra:weekly", "low", "hold", "7 days", "1 day"),
    Reference("asa-2023:glp1-ra:weekly", "intermediate", "hold", "7 days", "1 day"),
    Reference("asa-2023:glp1-ra:weekly", "high", "hold", "7 days", "1 day"),
    # 5.3 [C]: ACR category I (eGFR 30 or more): no need to stop; category II (below 30): stop at the time of
    # the procedure (0 days), withhold 48 h after.
    Reference("acr-2021:metformin:egfr-30-up", "low", "continue", None, None),
    Reference("acr-2021:metformin:egfr-30-up", "intermediate", "continue", None, None),
    Reference("acr-2021:metformin:egfr-30-up", "high", "continue", None, None),
    Reference("acr-2021:metformin:egfr-below-30", "low", "hold", "0 days", "48 hours"),
    Reference("acr-2021:metformin:egfr-below-30", "intermediate", "hold", "0 days", "48 hours"),
    Reference("acr-2021:metformin:egfr-below-30", "high", "hold", "0 days", "48 hours"),
    # 5.4 [C2] and research 6b: sulfonylureas withheld the morning of the procedure (0 days), restarted with the
    # next usual dose after it (day 0).
    Reference("ada:sulfonylurea", "low", "hold", "0 days", "0 days"),
    Reference("ada:sulfonylurea", "intermediate", "hold", "0 days", "0 days"),
    Reference("ada:sulfonylurea", "high", "hold", "0 days", "0 days"),
    # 5.4 and research 6b: insulin doses change on a fasting day (dose changes, not holds): review.
    Reference("ada:insulin", "low", "review", None, None),
    Reference("ada:insulin", "intermediate", "review", None, None),
    Reference("ada:insulin", "high", "review", None, None),
    # 5.6 [C] UKCPA: lithium continued for minor surgery, stopped 24 h before major, restarted when next due:
    # review (which is this?), proposing 24 h / day 0.
    Reference("ukcpa:lithium", "low", "review", "24 hours", "0 days"),
    Reference("ukcpa:lithium", "intermediate", "review", "24 hours", "0 days"),
    Reference("ukcpa:lithium", "high", "review", "24 hours", "0 days"),
    # 5.6 [C]: irreversible MAOIs planned with the anaesthetist and psychiatrist: review, no interval.
    Reference("ukcpa:maoi", "low", "review", None, None),
    Reference("ukcpa:maoi", "intermediate", "review", None, None),
    Reference("ukcpa:maoi", "high", "review", None, None),
]


@pytest.mark.parametrize("case", REFERENCE, ids=[f"{case.rule_id}-{case.tier}" for case in REFERENCE])
def test_rule_gives_the_reference_numbers(table, case: Reference):
    """Each rule's tier gives the action, hold and restart the clinical reference gives."""
    (rule,) = [r for r in table.rules if r.rule_id == case.rule_id]
    got = rule.tier(BleedingRisk(case.tier))
    assert got.action.value == case.action
    assert (None if got.hold is None else str(got.hold)) == case.hold
    said = None if got.resume is None else str(got.resume)
    if got.resume_until is not None:
        said = f"{got.resume.amount}-{got.resume_until.amount} {got.resume_until.unit.value}"
    assert said == case.resume


def test_reference_covers_every_rule_and_tier():
    """The reference list names every rule of the table, each tier exactly once."""
    listed = sorted((case.rule_id, case.tier) for case in REFERENCE)
    expected = sorted((rule_id, risk.value) for rule_id in RULE_IDS for risk in BleedingRisk)
    assert listed == expected


