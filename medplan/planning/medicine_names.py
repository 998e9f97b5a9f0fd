"""Medicine names as pharmacists paste them from a medication list.

A line such as ``Eliquis 5mg film-coated tablets`` or ``enoxaparin sodium
40 mg/0.4 mL injection`` names a medicine the table knows, with words around
it that do not change which medicine it is. :func:`read_name` takes those
words off; :class:`NameIndex` matches what is left against the table.

Conservative on purpose: only strengths, form and route words, pack words,
``®`` and ``™`` are always taken off. A salt (``sodium``, ``bisulfate``) or a
release mark (``XR``, ``SR``) is taken off only when the name as written does
not resolve and the rest does, so ``heparin sodium`` and ``Glucophage XR``
keep theirs, and no word of a name (``insulin glargine``, ``aspirin and
dipyridamole``) is ever dropped: ``aspirin + clopidogrel`` stays
unresolved. A bracketed brand (``apixaban (Eliquis)``) must name the same
drug as the words outside it. A name that still does not resolve gets up to
three close names and brands as suggestions (difflib: see
docs/medicine-names.md); a suggestion is never applied.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import attrs

from medplan._firstuse import on_first_use
from medplan._lazyre import LazyPattern
from medplan.model import MatchedBy, NameMatch

if TYPE_CHECKING:
    from types import ModuleType

    from medplan._seldom import ReadName
    from medplan.tables.drug_classes import DrugClassRule, Resolution

__all__ = ["NameIndex", "ReadName", "read_name"]


# ReadName is made on first use (as medplan.model's seldom classes): a plan
# whose names all resolve as written never reads one.
def _load_seldom() -> ModuleType:
    from medplan import _seldom  # noqa: PLC0415 - see above

    return _seldom


if not TYPE_CHECKING:  # pragma: no branch - false for the type checker only
    __getattr__, __dir__ = on_first_use(globals(), {"ReadName"}, _load_seldom)


_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_UNIT = r"mg|mcg|µg|μg|ug|micrograms?|g|grams?|ml|l|units?|iu|u|mmol|%"
# "5mg", "5 mg", "2.5mg/1mL", "40 mg/0.4 mL", "100 units/mL", "25 mg/200 mg", "0.5 %".
_STRENGTH = LazyPattern(
    rf"(?<![\w.,])({_NUMBER})\s*({_UNIT})(?:\s*/\s*({_NUMBER})?\s*({_UNIT}))?(?![\w%])",
    re.IGNORECASE,
)
_BRACKETS = LazyPattern(r"[(\[]([^()\[\]]*)[)\]]")
# Separators that never belong to a name; a hyphen inside a word does (omega-3).
_SEPARATORS = LazyPattern(r"[,;:\u00ae\u2122\u00a9]|(?<!\S)[-\u2013\u2014](?!\S)")
# "+", "&" or "/" between two medicines' names (not "s/c") reads as "and".
_CONNECTORS = LazyPattern(r"\s*(?<!\S)(?:\+|&|/)(?!\S)\s*|(?<=[a-z]{2})(?:\+|/)(?=[a-z]{2})")
# Words that say how a medicine is made, packed or given, never which one it is.
_FORM_WORDS = frozenset(
    """
    tablet tablets tab tabs caplet caplets capsule capsules cap caps
    injection injections inj injectable syringe syringes prefilled pre-filled
    pen pens cartridge cartridges vial vials ampoule ampoules amp amps
    solution suspension liquid syrup sachet sachets powder infusion
    oral subcutaneous subcut sc s/c intravenous iv po by mouth for in
    film-coated coated enteric-coated gastro-resistant dispersible soluble
    effervescent chewable orodispersible modified-release extended-release
    prolonged-release delayed-release sustained-release
    """.split()  # noqa: SIM905 - a word list a pharmacist can read and extend
)
# Taken off only when the rest resolves and the whole does not: a salt or a
# release mark that a brand may carry (Glucophage XR, heparin sodium).
_CONDITIONAL_WORDS = frozenset(
    """
    sodium potassium calcium magnesium hydrochloride hcl bisulfate bisulphate
    hydrogen sulfate sulphate besilate besylate mesilate mesylate maleate
    fumarate tartrate succinate citrate acetate phosphate carbonate etexilate
    tosilate tosylate hydrobromide trometamol tromethamine dihydrate
    monohydrate hemihydrate xr sr mr xl cr er la ec
    """.split()  # noqa: SIM905 - a word list a pharmacist can read and extend
)
_SUGGESTIONS = 3
# Close enough to suggest: measured on tests/misspellings.csv (docs/medicine-names.md).
_CUTOFF = 0.7
# Distinct names remembered per table; a service sees a few hundred.
_MEMO = 4096


def _unit(unit: str) -> str:
    folded = unit.casefold()
    return {
        "ml": "mL",
        "l": "L",
        "iu": "IU",
        "u": "units",
        "unit": "units",
        "µg": "mcg",
        "μg": "mcg",
        "ug": "mcg",
        "microgram": "mcg",
        "micrograms": "mcg",
        "gram": "g",
        "grams": "g",
    }.get(folded, folded)


def _say_strength(match: re.Match[str]) -> str:
    number, unit, per_number, per_unit = match.groups()
    space = "" if unit == "%" else " "
    said = f"{number}{space}{_unit(unit)}"
    if per_unit is not None:
        said += f"/{per_number} {_unit(per_unit)}" if per_number else f"/{_unit(per_unit)}"
    return said


def _strip(text: str, strengths: list[str], removed: list[str]) -> str:
    """One part of a name without strengths and form words, until nothing more comes off.

    Repeated to a fixed point, so the words left read the same when read again.
    """
    while True:
        before = text
        found = list(_STRENGTH.finditer(text))
        strengths += [_say_strength(m) for m in found]
        removed += [m.group(0) for m in found]
        text = _SEPARATORS.sub(" ", _STRENGTH.sub(" ", text))
        text = _CONNECTORS.sub(" and ", text.casefold())
        kept = []
        for word in text.split():
            if word.rstrip(".") in _FORM_WORDS:
                removed.append(word)
            else:
                kept.append(word)
        text = " ".join(kept)
        if text == before:
            return text


@functools.lru_cache(maxsize=_MEMO)
def read_name(name: str) -> ReadName:
    """Take a pasted name apart: the words that name the medicine, and what came off.

    >>> read_name("Eliquis 5mg film-coated tablets")
    ReadName(words='eliquis', bracketed=(), strengths=('5 mg',), removed=('5mg', 'film-coated', 'tablets'))
    >>> read_name("apixaban (Eliquis) 2.5 mg").bracketed
    ('eliquis',)
    """
    strengths: list[str] = []
    removed: list[str] = []
    bracketed = []
    outside = name
    # Until no pair is left, so that a bracket inside a bracket comes off too.
    while inner_parts := _BRACKETS.findall(outside):
        for inner in inner_parts:
            words = _strip(inner, strengths, removed)
            if words:
                bracketed.append(words)
        outside = _BRACKETS.sub(" ", outside)
    words = _strip(outside, strengths, removed)
    from medplan._seldom import ReadName  # noqa: PLC0415 - made on first use (see __getattr__)

    return ReadName(
        words=words,
        bracketed=tuple(bracketed),
        strengths=tuple(strengths),
        removed=tuple(removed),
    )


def _written(rule: DrugClassRule) -> Iterator[tuple[str, str]]:
    """A row's names as it writes them, each with its kind: its drugs, brands, then ATC codes."""
    for drug in rule.drugs:
        yield drug, "generic"
    for column, kind in ((rule.brands, "brand"), (rule.atc, "atc")):
        for entry in column:
            yield entry.partition("=")[0].strip(), kind


def _key(words: str) -> str:
    # The table's own folding (medplan.tables.drug_classes.normalise_name): no whitespace, case-folded.
    return "".join(words.split()).casefold()


class NameIndex:
    """A table's names, brands and ATC codes, with how each is written and what kind it is.

    Built once per table, lazily (a plan whose names all resolve exactly
    never builds the suggestion list); matches are remembered per name.
    """

    def __init__(self, names: Mapping[str, Resolution], rules: tuple[DrugClassRule, ...]) -> None:
        """Index ``names`` (the table's folded names), spelt and kinded from ``rules``."""
        self._names = names
        self._rules = rules
        self._memo: dict[str, tuple[Resolution | None, NameMatch]] = {}

    @functools.cached_property
    def spellings(self) -> Mapping[str, tuple[str, str]]:
        """Each folded name: as the table first writes it, and ``generic``, ``brand`` or ``atc``."""
        found: dict[str, tuple[str, str]] = {}
        for rule in self._rules:
            for name, kind in _written(rule):
                found.setdefault(_key(name), (name, kind))
        return found

    def _spelling(self, key: str) -> tuple[str, str]:
        """``spellings[key]`` for a name of the table, without folding every name of the table.

        Folding all of them was about 2M instructions of a one-shot plan whose
        names all resolve. A name resolves to one drug of one class (the table
        refuses it otherwise), so the table writes it first in a row of that
        class: only those rows are read, in table order.
        """
        if "spellings" in self.__dict__:  # made already, for a suggestion
            return self.spellings[key]
        drug_class = self._names[key].drug_class
        rows = (rule for rule in self._rules if rule.drug_class == drug_class)
        found = next((w for rule in rows for w in _written(rule) if _key(w[0]) == key), None)
        return found if found is not None else self.spellings[key]

    @functools.cached_property
    def _suggestable(self) -> list[str]:
        return [key for key, (_, kind) in self.spellings.items() if kind != "atc"]

    def match(self, name: str) -> tuple[Resolution | None, NameMatch]:
        """The drug ``name`` stands for, if any, and how it was matched."""
        known = self._memo.get(name)
        if known is None:
            known = self._match(name)
            if len(self._memo) >= _MEMO:
                self._memo.clear()
            self._memo[name] = known
        return known

    def _found(self, key: str, how: MatchedBy, read: ReadName | None, words: str) -> NameMatch:
        spelling, kind = self._spelling(key)
        return NameMatch(
            how=how,
            name=spelling,
            kind=kind,
            normalised=None if read is None else words,
            removed=() if read is None else self._removed(read, words),
            strength=None if read is None else read.strength,
        )

    @staticmethod
    def _removed(read: ReadName, kept: str) -> tuple[str, ...]:
        """Everything taken off the name: its strengths and form words, brackets, then salts."""
        kept_words = kept.split()
        dropped = [w for w in read.words.split() if w not in kept_words]
        return (*read.removed, *(f"({words})" for words in read.bracketed), *dropped)

    def _resolve_words(self, words: str) -> tuple[str, str] | None:
        """The folded name ``words`` resolves to, and the words that did; conditional words last."""
        if not words:
            return None
        if _key(words) in self._names:
            return _key(words), words
        kept = " ".join(w for w in words.split() if w not in _CONDITIONAL_WORDS)
        if kept and kept != words and _key(kept) in self._names:
            return _key(kept), kept
        return None

    def _match(self, name: str) -> tuple[Resolution | None, NameMatch]:
        exact = _key(name)
        if exact in self._names:
            return self._names[exact], self._found(exact, MatchedBy.EXACT, None, "")
        read = read_name(name)
        outside = self._resolve_words(read.words)
        inside = [self._resolve_words(words) for words in read.bracketed]
        if outside is None and not read.words and len(inside) == 1:
            # The whole name is in brackets: "(Eliquis)".
            outside, inside = inside[0], []
            read = attrs.evolve(read, words=read.bracketed[0], bracketed=())
        drugs = {self._names[found[0]].drug for found in (outside, *inside) if found is not None}
        # A percentage is the strength of a gel, cream or eye drop, which the
        # table's rows (tablets and injections) do not cover: asked, not read.
        topical = any(strength.endswith("%") for strength in read.strengths)
        if outside is not None and None not in inside and len(drugs) == 1 and not topical:
            key, words = outside
            return self._names[key], self._found(key, MatchedBy.NORMALISED, read, words)
        suggestions = [self.spellings[found[0]][0] for found in (outside, *inside) if found]
        for words in (read.words, *read.bracketed):
            suggestions += self._close(words)
        unique = tuple(dict.fromkeys(suggestions))[:_SUGGESTIONS]
        return None, NameMatch(
            how=MatchedBy.UNRESOLVED,
            normalised=read.words or None,
            removed=read.removed,
            strength=read.strength,
            suggestions=unique,
        )

    def _close(self, words: str) -> list[str]:
        """Up to three table names and brands close to ``words`` (with and without its salt)."""
        # Imported here: only a name that does not resolve needs it, not start-up.
        import difflib  # noqa: PLC0415

        queries = {
            _key(words),
            _key(" ".join(w for w in words.split() if w not in _CONDITIONAL_WORDS)),
        }
        scored: dict[str, float] = {}
        for query in queries - {""}:
            for key in difflib.get_close_matches(query, self._suggestable, _SUGGESTIONS, _CUTOFF):
                score = difflib.SequenceMatcher(None, query, key).ratio()
                scored[key] = max(score, scored.get(key, 0.0))
        ranked = sorted(scored, key=lambda key: (-scored[key], key))
        return [self.spellings[key][0] for key in ranked]
