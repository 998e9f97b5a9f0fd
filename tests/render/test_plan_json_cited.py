"""The plan JSON writes a table's citation as json.dumps writes it, remembered or not."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from medplan.render import plan_json

# The writer's speller of the tables' texts and its bounded memo: what is tested.
cited, CITED_KEPT, CITED_MEMO = plan_json._cited, plan_json._CITED_KEPT, plan_json._CITED  # noqa: SLF001


@given(st.text())
def test_a_citation_is_written_as_json_dumps_writes_it(text: str) -> None:
    """Any text, quotes, backslashes, control and non-ASCII characters too, is json.dumps' own."""
    assert cited(text) == json.dumps(text, ensure_ascii=False)
    assert cited(text) == json.dumps(text, ensure_ascii=False)


def test_citations_past_the_memo_are_still_written() -> None:
    """Beyond the bounded memo of texts, each is still written, and the memo stops growing."""
    for number in range(CITED_KEPT + 10):
        text = f'Source "{number}" \\ p. {number}'
        assert cited(text) == json.dumps(text, ensure_ascii=False)
    assert len(CITED_MEMO) == CITED_KEPT
