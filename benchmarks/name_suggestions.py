"""Which fuzzy matcher suggests names: difflib (stdlib) or rapidfuzz, on quality and speed.

Each misspelling in tests/misspellings.csv (typed as pharmacists and patients
type them) is matched against the table's generic and brand names, folded as
the planner folds them; a hit is the intended name among the first three
suggestions. Medicines the table does not list (tests/misspellings.csv has
none of them) measure noise: how many get any suggestion at all.

    .venv/bin/python benchmarks/name_suggestions.py

rapidfuzz is optional here (pip install rapidfuzz); without it only difflib runs.
"""

from __future__ import annotations

import csv
import difflib
import time
from collections.abc import Callable
from pathlib import Path

from medplan.tables.drug_classes import default_table, normalise_name

HERE = Path(__file__).resolve().parent
NOT_LISTED = (  # noqa: SIM905 - a word list
    "amlodipine atorvastatin paracetamol omeprazole levothyroxine ramipril bisoprolol "
    "simvastatin furosemide lansoprazole metoprolol salbutamol prednisolone gabapentin "
    "pregabalin tramadol codeine morphine oxycodone sitagliptin losartan candesartan "
    "digoxin amiodarone allopurinol"
).split()


def spellings() -> dict[str, str]:
    table = default_table()
    found: dict[str, str] = {}
    for rule in table.rules:
        entries = [*rule.drugs, *(b.partition("=")[0].strip() for b in rule.brands)]
        for name in entries:
            found.setdefault(normalise_name(name), name)
    return found


def run(name: str, suggest: Callable[[str], list[str]], cases: list[tuple[str, str]]) -> None:
    hits = top1 = 0
    misses = []
    for typed, expected in cases:
        got = suggest(normalise_name(typed))
        hits += normalise_name(expected) in got
        top1 += bool(got) and got[0] == normalise_name(expected)
        if normalise_name(expected) not in got:
            misses.append(f"{typed}->{got}")
    noisy = sum(bool(suggest(n)) for n in NOT_LISTED)
    repeats = 20
    t0 = time.perf_counter()
    for _ in range(repeats):
        for typed, _expected in cases:
            suggest(normalise_name(typed))
    per_call = (time.perf_counter() - t0) / (repeats * len(cases)) * 1e6
    print(
        f"{name:34} top3 {hits}/{len(cases)}  top1 {top1}/{len(cases)}  "
        f"noise {noisy}/{len(NOT_LISTED)}  {per_call:7.1f} us/name"
    )
    if misses:
        print("   misses:", "; ".join(misses))


def main() -> None:
    with (HERE.parent / "tests" / "misspellings.csv").open(encoding="utf-8") as file:
        cases = [(row["typed"], row["expected"]) for row in csv.DictReader(file)]
    names = spellings()
    keys = list(names)
    print(f"{len(keys)} generic and brand names; {len(cases)} misspellings")
    for cutoff in (0.6, 0.7, 0.75, 0.8):
        run(
            f"difflib.get_close_matches {cutoff}",
            lambda q, c=cutoff: difflib.get_close_matches(q, keys, n=3, cutoff=c),
            cases,
        )
    try:
        from rapidfuzz import fuzz, process  # noqa: PLC0415 - optional, measured only
        from rapidfuzz.distance import JaroWinkler  # noqa: PLC0415
    except ImportError:
        print("rapidfuzz not installed")
        return
    for scorer, label, cut in (
        (fuzz.ratio, "ratio", 70),
        (fuzz.ratio, "ratio", 75),
        (fuzz.ratio, "ratio", 80),
        (fuzz.WRatio, "WRatio", 80),
        (JaroWinkler.normalized_similarity, "JaroWinkler", 0.85),
    ):
        run(
            f"rapidfuzz {label} {cut}",
            lambda q, s=scorer, c=cut: [
                m[0] for m in process.extract(q, keys, scorer=s, limit=3, score_cutoff=c)
            ],
            cases,
        )


if __name__ == "__main__":
    main()
