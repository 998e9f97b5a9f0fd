"""The bridging heparin's dose: by weight and renal function, rounded to what the syringes give."""

from __future__ import annotations

__all__ = [
    "round_dose",
]


def round_dose(exact: float, doses: tuple[float, ...]) -> float | None:
    """The dose that can be given nearest to ``exact``; None beyond the largest.

    Halfway between two doses goes to the lower. A dose above the largest by
    more than half the last step is not rounded down to it.

    >>> round_dose(82, (20, 30, 40, 50, 60, 70, 80, 90))
    80
    >>> round_dose(95, (80, 90, 100)), round_dose(8200, (5000, 7500, 10000))
    (90, 7500)
    >>> round_dose(160, (130, 140, 150)) is None
    True
    """
    step = doses[-1] - doses[-2] if len(doses) > 1 else doses[-1]
    if exact > doses[-1] + step / 2:
        return None
    return min(doses, key=lambda d: (abs(d - exact), d))
