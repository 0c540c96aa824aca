"""A paragraph's source with the names its translation keeps getting wrong already written in
English (由中央广播电视总台财经节目中心主办 → 由China Media Group财经节目中心主办), for one more
translation that only has to copy them.

A small model that misnames a body or a place after being told the right name (the local model
wrote 中央广播电视总台 as "Chinese Broadcasting Corporation" and, asked again with the glossary
entry, echoed its own instructions) does copy Latin letters through. Only the names the English
leaves out are written in: the glossary's (but its places, which have too many right forms to
check), the document's people and the places in China.
"""

from __future__ import annotations

from summarizer.grounding.checks import missing_terms
from summarizer.grounding.glossary import Glossary
from summarizer.grounding.people import Person, missing_people
from summarizer.grounding.places import missing_places


def missing_names(
    source: str, english: str, glossary: Glossary, people: tuple[Person, ...]
) -> dict[str, str]:
    """Each name ``source`` writes that ``english`` leaves out, as written → its English."""
    names: dict[str, str] = {}
    for term in missing_terms(source, english, glossary):
        names.update({zh: term.english for zh in term.chinese if zh in source})
    for person in missing_people(source, english, people):
        written = person.chinese if person.chinese in source else person.simplified
        names[written] = person.english
    for place in missing_places(source, english, glossary):
        names[place.chinese] = place.english
    return names


def with_names_written_in(source: str, names: dict[str, str]) -> str:
    """``source`` with each name of ``names`` replaced by its English, longest name first (so
    a name inside a longer one is not written in twice)."""
    for chinese in sorted(names, key=len, reverse=True):
        source = source.replace(chinese, names[chinese])
    return source
