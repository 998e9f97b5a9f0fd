"""A data file's version digest: CPython's own SHA-256, the same digest hashlib gives."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from medplan.tables import loader


@given(st.text())
def test_the_digest_is_the_sha256_of_the_utf8_text(text):
    """Any text's digest is the first 16 hex digits of hashlib's SHA-256 of its UTF-8 bytes."""
    assert loader.text_digest(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def test_a_known_text_has_its_known_digest():
    """The digest of a fixed text is the published SHA-256 prefix, so a changed algorithm is seen."""
    assert loader.text_digest("abc") == "ba7816bf8f01cfea"


def test_without_a_builtin_sha256_hashlib_is_used():
    """Where none of the named modules imports (a Python without CPython's own), hashlib's sha256 is used."""
    found = loader._find_sha256(("medplan_no_such_module", "another_missing_module"))  # noqa: SLF001 - the fallback itself

    assert found is hashlib.sha256


def test_the_first_module_that_imports_is_used():
    """A named module that imports gives its sha256, before any later one is tried."""
    found = loader._find_sha256(("medplan_no_such_module", "hashlib", "_sha256"))  # noqa: SLF001 - the search itself

    assert found is hashlib.sha256
