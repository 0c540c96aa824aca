"""The glossary of names that matter: Chinese forms, the English name the press uses, and the
wrong renderings machine translations produce. Data lives in ``data/glossary.v<N>.tsv``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import cast

from summarizer.errors import InputError
from summarizer.schemas import EntityType

GLOSSARY_VERSION = "v1"
_HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TYPES = {"person", "organisation", "product", "place", "other"}


@dataclass(frozen=True)
class Term:
    chinese: tuple[str, ...]
    english: str
    type: EntityType = "other"
    also_ok: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()

    def english_forms(self) -> tuple[str, ...]:
        return (self.english, *self.also_ok)


# Compared and hashed by identity: it keys per-paragraph check caches, and hashing every term
# on each lookup cost more than the checks themselves.
@dataclass(frozen=True, eq=False)
class Glossary:
    terms: tuple[Term, ...] = field(default_factory=tuple)
    version: str = GLOSSARY_VERSION

    @cached_property
    def wrong_forms(self) -> re.Pattern[str] | None:
        """One pattern for every known wrong rendering, so clean text is checked in one pass."""
        forms = sorted({w for term in self.terms for w in term.wrong}, key=len, reverse=True)
        if not forms:
            return None
        alternatives = "|".join(re.escape(form) for form in forms)
        return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", re.IGNORECASE)

    def extended(self, other: Glossary) -> Glossary:
        """This glossary with ``other``'s terms added; on a shared Chinese form ``other`` wins."""
        overridden = {zh for term in other.terms for zh in term.chinese}
        kept = tuple(t for t in self.terms if not set(t.chinese) & overridden)
        return Glossary(terms=other.terms + kept, version=f"{self.version}+{other.version}")

    @cached_property
    def _by_length(self) -> list[tuple[str, Term]]:
        pairs = [(zh, term) for term in self.terms for zh in term.chinese if zh]
        return sorted(pairs, key=lambda pair: -len(pair[0]))

    def terms_in(self, text: str) -> list[Term]:
        """The terms whose Chinese form occurs in ``text``, longest form first.

        A term that occurs only inside a longer matched term (海光 inside 海光信息) is left out.
        """
        found: list[Term] = []
        remaining = text
        for zh, term in self._by_length:
            if zh in remaining:
                if term not in found:
                    found.append(term)
                remaining = remaining.replace(zh, "\0")
        return found

    def terms_named_in(self, text: str) -> list[Term]:
        """The terms whose English name or a Chinese form occurs in ``text``, in glossary order."""
        han = _HAN_CHAR.search(text) is not None  # else no form written in Han can occur
        return [
            t
            for t in self.terms
            if t.english in text
            or any(zh in text for zh in t.chinese if han or zh not in self._han_forms)
        ]

    @cached_property
    def _han_forms(self) -> frozenset[str]:
        return frozenset(zh for t in self.terms for zh in t.chinese if _HAN_CHAR.search(zh))

    def lookup_english(self, name: str, context: str = "") -> Term | None:
        """The term whose English name, accepted form or known wrong form is ``name``.

        A name such as "Taiwan Semiconductor Manufacturing Co. (TSMC)" is also looked up by
        the part in parentheses. A form that terms of different names share ("Huang": Jensen
        Huang, Colin Huang) is the one of them that ``context`` (the article) names, in English or
        Chinese; with none or several named, it is none of them.
        """
        candidates = [name, *re.findall(r"\(([^()]+)\)", name)]
        for candidate in candidates:
            terms = self._by_english.get(_english_key(candidate), ())
            if len({t.english for t in terms}) > 1:
                terms = tuple(
                    t for t in terms if t.english in context or any(z in context for z in t.chinese)
                )
            if terms and len({t.english for t in terms}) == 1:
                return terms[0]
        return None

    @cached_property
    def _by_english(self) -> dict[str, tuple[Term, ...]]:
        """Each English form to the terms that have it: a term's own English name to that term
        alone (the first with it), any other form to every term that accepts it or knows it as a
        wrong rendering, in glossary order."""
        index: dict[str, tuple[Term, ...]] = {}
        for term in self.terms:
            for form in (*term.also_ok, *term.wrong):
                key = _english_key(form)
                index[key] = (*index.get(key, ()), term)
        for term in reversed(self.terms):
            index[_english_key(term.english)] = (term,)
        return index


def _english_key(name: str) -> str:
    return name.strip().casefold().removeprefix("the ")


def _parse_line(line: str, origin: str, number: int) -> Term | None:
    if not line.strip() or line.startswith("#"):
        return None
    cols = line.rstrip("\n").split("\t")
    if len(cols) < 2:
        raise InputError(f"{origin}:{number}: a glossary line needs at least 'chinese<TAB>english'")
    if len(cols) == 2:  # the short user format: chinese, english
        return Term(chinese=(cols[0].strip(),), english=cols[1].strip())
    cols += [""] * (6 - len(cols))
    simplified, traditional, english, kind, also_ok, wrong = (c.strip() for c in cols[:6])
    if not english:
        raise InputError(f"{origin}:{number}: glossary line has no English name")
    entity_type = cast(EntityType, kind if kind in _TYPES else "other")
    return Term(
        chinese=tuple(dict.fromkeys(z for z in f"{simplified}|{traditional}".split("|") if z)),
        english=english,
        type=entity_type,
        also_ok=tuple(a for a in also_ok.split("|") if a),
        wrong=tuple(w for w in wrong.split("|") if w),
    )


def parse_glossary(text: str, origin: str, version: str) -> Glossary:
    terms = [
        term
        for number, line in enumerate(text.splitlines(), start=1)
        if (term := _parse_line(line, origin, number)) is not None
    ]
    return Glossary(terms=tuple(terms), version=version)


@lru_cache(maxsize=1)
def builtin_glossary() -> Glossary:
    """The glossary that ships with the package."""
    source = resources.files("summarizer") / "data" / f"glossary.{GLOSSARY_VERSION}.tsv"
    return parse_glossary(source.read_text(encoding="utf-8"), "builtin", GLOSSARY_VERSION)


def load_glossary(path: Path | None = None) -> Glossary:
    """The built-in glossary, extended by a user file (TSV) when one is given.

    A user file is parsed once per version (path, size, mtime), not once per article of a batch.
    """
    if path is None:
        return builtin_glossary()
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"{path}: cannot read glossary ({exc.strerror or exc})") from exc
    return _user_glossary(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _user_glossary(path: Path, size: int, mtime_ns: int) -> Glossary:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read glossary ({exc})") from exc
    return builtin_glossary().extended(parse_glossary(text, str(path), f"user:{path.name}"))


@lru_cache(maxsize=4096)
def english_pattern(form: str) -> re.Pattern[str]:
    """A case-insensitive whole-word pattern for an English name."""
    return re.compile(rf"(?<![A-Za-z]){re.escape(form)}(?![A-Za-z])", re.IGNORECASE)
