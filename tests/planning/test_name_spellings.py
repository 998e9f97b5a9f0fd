"""A resolved name is shown as the table first writes it, whether or not every name of the table was indexed.

``NameIndex.spellings`` folds every name of the table; a plan whose names all
resolve reads only the rows of each name's class instead. Both must give each
name's first spelling and kind, for every name the bundled table has.
"""

from __future__ import annotations

import pytest

from medplan import default_table
from medplan.planning.medicine_names import NameIndex

TABLE = default_table()
SPELLINGS = NameIndex(TABLE.names, TABLE.rules).spellings


def _shown(index: NameIndex, name: str) -> tuple[str | None, str | None]:
    """How a match by ``index`` shows ``name``: the table's spelling and its kind."""
    match = index.match(name)[1]
    return match.name, match.kind


@pytest.mark.parametrize("indexed_first", [False, True], ids=["rows-of-its-class", "every-name-indexed"])
def test_every_name_is_shown_as_the_table_first_writes_it(indexed_first):
    """Each folded name of the table matches as its first spelling and kind, read from its class's rows or from the full index."""
    index = NameIndex(TABLE.names, TABLE.rules)
    if indexed_first:
        assert index.match("warfrin")[0] is None  # a suggestion indexes every name

    shown = {name: _shown(index, name) for name in TABLE.names}

    assert shown == {name: SPELLINGS[name] for name in TABLE.names}


def test_a_brand_and_an_atc_code_keep_their_kinds():
    """A brand is shown as the table writes it, a brand; an ATC code, an atc."""
    index = NameIndex(TABLE.names, TABLE.rules)

    assert (_shown(index, "ELIQUIS"), _shown(index, "b01af02")) == (("Eliquis", "brand"), ("B01AF02", "atc"))
