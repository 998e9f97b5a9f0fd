"""A LazyPattern answers as the compiled pattern does, and is compiled only when first used."""

from __future__ import annotations

import re
import subprocess
import sys

import attrs
import pytest

from medplan._lazyre import LazyPattern


@attrs.frozen(kw_only=True)
class Call:
    """One method called on a pattern: the pattern, its flags, the method and its arguments."""

    pattern: str
    flags: int = 0
    method: str
    arguments: tuple[str, ...]


def _plain(value):
    """A result made comparable: a match (or each of an iterator's) as its span and groups."""
    if isinstance(value, re.Match):
        return (value.span(), value.groups())
    if isinstance(value, list | str) or value is None:
        return value
    return [_plain(each) for each in value]


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(Call(pattern=r"(\d{1,4}) (day|days)", method="fullmatch", arguments=("5 days",)), id="fullmatch"),
        pytest.param(Call(pattern=r"(\d{1,4}) (day|days)", method="fullmatch", arguments=("5 weeks",)), id="fullmatch-none"),
        pytest.param(Call(pattern=r"(\d+)\s*(mg)", flags=re.IGNORECASE, method="finditer", arguments=("5MG and 10 mg",)), id="finditer-flags"),
        pytest.param(Call(pattern=r"[(\[]([^()\[\]]*)[)\]]", method="findall", arguments=("a (b) [c]",)), id="findall"),
        pytest.param(Call(pattern=r"\s*/\s*", method="sub", arguments=(" and ", "a / b/c")), id="sub"),
    ],
)
def test_a_lazy_pattern_answers_as_the_compiled_pattern(call):
    """Each method gives what re.compile(pattern, flags)'s gives."""
    lazy = LazyPattern(call.pattern, call.flags)
    compiled = re.compile(call.pattern, call.flags)

    assert _plain(getattr(lazy, call.method)(*call.arguments)) == _plain(getattr(compiled, call.method)(*call.arguments))


def test_a_lazy_pattern_is_compiled_once_on_first_use(monkeypatch):
    """Nothing is compiled until a method is called; then once, and the same pattern serves every call after."""
    compiled = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda *args: compiled.append(args) or real(*args))
    lazy = LazyPattern(r"[a-z]+", re.ASCII)

    assert compiled == []
    assert lazy.fullmatch("abc") is not None
    assert lazy.sub("", "ab1") == "1"
    assert compiled == [(r"[a-z]+", re.ASCII)]
    assert lazy.compiled() is lazy.compiled()


def test_the_name_patterns_are_not_compiled_at_import():
    """medicine_names' patterns wait for the first name that needs them: a fresh import compiles none."""
    script = (
        "from medplan.planning import medicine_names as m; "
        "print([p._compiled for p in (m._STRENGTH, m._BRACKETS, m._SEPARATORS, m._CONNECTORS)])"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)  # noqa: S603 - this interpreter

    assert result.stdout == "[None, None, None, None]\n"
