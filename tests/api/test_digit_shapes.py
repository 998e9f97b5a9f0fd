"""Clock times and request times are read by their digit shape exactly as the patterns they replace read them.

``field_checks.digit_shape`` writes each ASCII digit as 9, so a text's shape is
compared with a pattern's instead of compiling a regular expression at
start-up. Each reader must accept exactly what ``re.fullmatch`` of its former
pattern accepted, near misses included (other digits, a newline, a sign).
"""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from medplan.field_checks import clock_time, digit_shape
from medplan.request import _has_offset, _is_local

CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
LOCAL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?")
OFFSET = re.compile(r".*(?:Z|[+-][0-9]{2}:?[0-9]{2})")

# Characters a time is made of, and near misses: another script's digits, a
# full-width digit, a superscript two, spaces, a newline, a lower-case z.
NEAR = "0123456789:-+TZz \n\u0669\uff15\u00b2"


def _like(*shapes: str) -> st.SearchStrategy[str]:
    """Texts of the given shapes (9 any character of NEAR, else itself, or now and then any character), and any text of NEAR."""
    shaped = st.sampled_from(shapes).flatmap(
        lambda shape: st.tuples(
            *(
                st.sampled_from(NEAR) if c == "9" else st.one_of(st.just(c), st.just(c), st.sampled_from(NEAR))
                for c in shape
            )
        ).map("".join)
    )
    return st.one_of(shaped, st.text(alphabet=NEAR, max_size=22))


@given(_like("99:99", "29:59", "9:99", "999:99"))
@example("23:59")
@example("24:00")
@example("07:60")
@example("\u0669\u0669:30")
def test_a_clock_time_is_read_as_its_pattern_reads_it(text):
    """clock_time accepts a text exactly when the HH:MM pattern matches it, and reads the same hour and minute."""
    match = CLOCK.fullmatch(text)
    expected = None if match is None else (int(match.group(1)), int(match.group(2)))

    read = clock_time(text)

    assert (None if read is None else (read.hour, read.minute)) == expected


@given(_like("9999-99-99T99:99", "9999-99-99T99:99:99", "9999-99-99T99:99:9", "9999-99-99 99:99"))
@example("2026-12-08T09:30")
@example("2026-12-08T09:30:00\n")
def test_a_local_time_is_recognised_as_its_pattern_recognises_it(text):
    """A request time is taken as local exactly when the local-time pattern matches it."""
    assert _is_local(text) == (LOCAL.fullmatch(text) is not None)


@given(_like("9999-99-99T99:99Z", "9999-99-99T99:99+99:99", "9999-99-99T99:99-9999", "T99:99+999", "Z", "+99:99"))
@example("2026-12-08T09:30+08:00")
@example("2026-12-08\nT09:30Z")
@example("Z\n")
def test_a_utc_offset_is_recognised_as_its_pattern_recognises_it(text):
    """A request time is taken to carry a UTC offset exactly when the offset pattern matches it."""
    assert _has_offset(text) == (OFFSET.fullmatch(text) is not None)


def test_the_shape_writes_only_ascii_digits_as_nines():
    """Every ASCII digit becomes 9; any other character, another script's digit among them, stays as it is."""
    assert digit_shape("0123456789 \u0669\uff15\u00b2:T") == "9999999999 \u0669\uff15\u00b2:T"
