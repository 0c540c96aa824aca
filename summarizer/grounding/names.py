"""Names in pinyin (pypinyin, tones dropped): how a name comes out when a translator romanises it
instead of using its usual English form, so both can be checked."""

from __future__ import annotations

from functools import lru_cache

from summarizer.grounding.glossary import Term


@lru_cache(maxsize=1024)
def pinyin_name(chinese: str, *, person: bool = False) -> str:
    """Hanyu pinyin without tones: 北京 → Beijing; a person's 张小明 → Zhang Xiaoming."""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(chinese)
    if person and len(syllables) > 1:
        return f"{syllables[0].capitalize()} {''.join(syllables[1:]).capitalize()}"
    return "".join(syllables).capitalize()


@lru_cache(maxsize=1024)
def pinyin_variants(term: Term) -> tuple[str, ...]:
    """The romanised forms of a glossary name that are not its accepted English forms:
    英伟达 → "Yingweida", "Ying Weida", "Ying Wei Da"; 黄仁勋 → "Huang Renxun", "Renxun Huang"."""
    from pypinyin import lazy_pinyin

    accepted = {form.casefold() for form in term.english_forms()}
    variants: list[str] = []
    for chinese in term.chinese:
        syllables = [s.capitalize() for s in lazy_pinyin(chinese)]
        if len(syllables) < 2:
            continue
        forms = [
            "".join(syllables).capitalize(),
            f"{syllables[0]} {''.join(syllables[1:]).capitalize()}",
            " ".join(syllables),
        ]
        if term.type == "person":
            forms.append(f"{''.join(syllables[1:]).capitalize()} {syllables[0]}")
        variants += [f for f in forms if f.casefold() not in accepted]
    return tuple(dict.fromkeys(variants))
