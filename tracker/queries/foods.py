"""Food search over the catalogue and the person's own label foods.

Every query word must match the name (`search_name`, the lower-case accent-free name) at least
as a substring. Ranking, best first:
1. the whole name equals the query;
2. per word: a whole word (plurals count) 3, the start of a word 2, inside a word 1 — summed;
   "fortified" counts as a whole word for foods flagged fortified;
3. the person's own foods, then USDA reference data (SR legacy, foundation, survey), then
   branded products — so "milk" finds milk, not a branded milk-chocolate bar;
4. the name starts with the first query word;
5. shorter names (plainer foods), then alphabetical.
When that finds only a few foods, words the catalogue does not know are taken as typos and the
search runs again with catalogue words one edit away ("chedar" → "cheddar", "chiken" →
"chicken").

On PostgreSQL `LIKE '%word%'` uses the trigram GIN index of migration 0003; on SQLite it scans
the ~15k catalogue rows, which takes a few milliseconds.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length

from tracker.domain.food_flags import normalize_search_name
from tracker.models import Food

MAX_WORDS = 8
MAX_WORD_LENGTH = 40
# Typo correction only for words long enough that one edit still says something, and only when
# the exact search found fewer foods than FUZZY_BELOW_RESULTS: otherwise the extras are noise.
FUZZY_MIN_WORD_LENGTH = 4
FUZZY_BELOW_RESULTS = 5
# A correction must be at least this share as common as the most common one, so "chiken" means
# "chicken" (in ~2,000 names) and not also "chike" (a brand in two).
CORRECTION_MIN_SHARE = 0.1
MAX_CORRECTIONS = 4

BRANDED = "branded_food"
# Names people type for foods the catalogue lists under a generic name or another spelling.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "marmite": ("yeast", "extract"),
    "vegemite": ("yeast", "extract"),
    "promite": ("yeast", "extract"),
    "cenovis": ("yeast", "extract"),
    "nooch": ("nutritional", "yeast"),
    "yoghurt": ("yogurt",),
    "yoghurts": ("yogurts",),
    "soya": ("soy",),
}
# A query word that asks for the is_fortified flag rather than the word in the name.
FORTIFIED_PREFIX = "fortif"


class _Like(Func):
    # A bare LIKE: Django's `contains` adds `::text` and an ESCAPE clause; words here never hold
    # `%` or `_` (normalize_search_name keeps letters and digits only).
    arg_joiner = " LIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


@dataclass(frozen=True)
class _Term:
    word: str
    # Substrings that satisfy the word: itself, its singular ("clams" → "clam") and, in the
    # typo pass, its corrections.
    stems: tuple[str, ...]
    # Whole-word spellings that count as an exact match ("clam", "clams").
    spellings: tuple[str, ...]
    fortified: bool

    @property
    def correctable(self) -> bool:
        return not self.fortified and len(self.word) >= FUZZY_MIN_WORD_LENGTH


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("oes", "ches", "shes", "xes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def _plural(word: str) -> str:
    if len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh", "o")):
        return word + "es"
    return word + "s"


def _without_redundant(stems: Iterable[str]) -> tuple[str, ...]:
    # `LIKE '%clam%'` already finds every "clams": keep the shortest stems only.
    kept: list[str] = []
    for stem in sorted(set(stems), key=len):
        if not any(shorter in stem for shorter in kept):
            kept.append(stem)
    return tuple(kept)


def _term(word: str) -> _Term:
    singular = _singular(word)
    fortified = len(word) >= len(FORTIFIED_PREFIX) and (
        word.startswith(FORTIFIED_PREFIX) or FORTIFIED_PREFIX.startswith(word)
    )
    return _Term(
        word=word,
        stems=_without_redundant((word, singular)),
        spellings=tuple(dict.fromkeys((word, singular, _plural(singular)))),
        fortified=fortified,
    )


def parse_query(query: str) -> list[_Term]:
    words: list[str] = []
    for word in normalize_search_name(query).split():
        words.extend(SYNONYMS.get(word, (word,)))
    unique = dict.fromkeys(word[:MAX_WORD_LENGTH] for word in words)
    return [_term(word) for word in list(unique)[:MAX_WORDS]]


def _any(conditions: Iterable[Any]) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= Q(condition)
    return combined


def _padded() -> Func:
    # Spaces at both ends, so `LIKE '% milk %'` finds whole words at the edges too. (Concat()
    # would wrap every part in COALESCE; search_name is never NULL.)
    return Func(F("search_name"), template="(' ' || %(expressions)s || ' ')")


def _substring(term: _Term) -> Q:
    matches = _any(_Like(F("search_name"), Value(f"%{stem}%")) for stem in term.stems)
    return Q(is_fortified=True) | matches if term.fortified else matches


def _word_score(term: _Term) -> Case:
    whole_word = _any(_Like(_padded(), Value(f"% {spelling} %")) for spelling in term.spellings)
    word_start = _any(_Like(_padded(), Value(f"% {stem}%")) for stem in term.stems)
    fortified = [When(is_fortified=True, then=Value(3))] if term.fortified else []
    return Case(
        *fortified,
        When(whole_word, then=Value(3)),
        When(word_start, then=Value(2)),
        When(_substring(term), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _source_rank() -> Case:
    return Case(
        When(owner__isnull=False, then=Value(0)),
        When(data_type=BRANDED, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _visible(user: Any) -> QuerySet[Food]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Food.objects.filter(owner__isnull=True, deleted_at__isnull=True)
    return Food.objects.visible_to(user)


def _ranked(foods: QuerySet[Food], terms: list[_Term], limit: int) -> list[Food]:
    query_name = " ".join(term.word for term in terms)
    first = terms[0]
    leading: Case | Value = (
        Value(0)
        if first.fortified
        else Case(
            When(_any(_Like(F("search_name"), Value(f"{stem}%")) for stem in first.stems), then=1),
            default=0,
        )
    )
    score = sum((_word_score(term) for term in terms[1:]), _word_score(first))
    matches = foods.filter(*[_substring(term) for term in terms]).annotate(
        exact_name=Case(When(search_name=query_name, then=Value(1)), default=Value(0)),
        score=score,
        leading=leading,
        source_rank=_source_rank(),
        name_length=Length("search_name"),
    )
    ordered = matches.order_by(
        "-exact_name", "-score", "source_rank", "-leading", "name_length", "name", "pk"
    )
    return list(ordered[:limit])


# --- typo correction ---


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter wrong, missing, extra, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        if a[start + 1 :] == b[start + 1 :]:
            return True
        swapped = start + 1 < len(a) and a[start] == b[start + 1] and a[start + 1] == b[start]
        return swapped and a[start + 2 :] == b[start + 2 :]
    if len(a) > len(b):
        return a[start + 1 :] == b[start:]
    return a[start:] == b[start + 1 :]


@dataclass(frozen=True)
class _Vocabulary:
    counts: Counter[str]
    # One edit keeps the first or the last letter of a word of 3+ letters, so these buckets
    # hold every candidate: a few hundred comparisons instead of the whole vocabulary.
    by_length_and_first: dict[tuple[int, str], list[str]]
    by_length_and_last: dict[tuple[int, str], list[str]]

    @classmethod
    def of(cls, names: Iterable[str]) -> "_Vocabulary":
        counts: Counter[str] = Counter()
        for name in names:
            counts.update(word for word in set(name.split()) if len(word) >= 3)
        by_first: dict[tuple[int, str], list[str]] = defaultdict(list)
        by_last: dict[tuple[int, str], list[str]] = defaultdict(list)
        for word in counts:
            by_first[len(word), word[0]].append(word)
            by_last[len(word), word[-1]].append(word)
        return cls(counts, dict(by_first), dict(by_last))

    def _candidates(self, word: str) -> Iterator[str]:
        for length in (len(word) - 1, len(word), len(word) + 1):
            yield from self.by_length_and_first.get((length, word[0]), ())
            yield from self.by_length_and_last.get((length, word[-1]), ())

    def corrections(self, word: str) -> tuple[str, ...]:
        """Catalogue words one edit away from `word`, most common first; none for a word the
        catalogue knows ("beef" is no typo of "beer")."""
        if word in self.counts:
            return ()
        close = {known for known in self._candidates(word) if _one_edit_apart(word, known)}
        if not close:
            return ()
        ranked = sorted(close, key=lambda known: (-self.counts[known], known))
        most = self.counts[ranked[0]]
        common = [known for known in ranked if self.counts[known] >= most * CORRECTION_MIN_SHARE]
        return tuple(common[:MAX_CORRECTIONS])


# (catalogue fingerprint, vocabulary): rebuilt in each process when the catalogue changes.
_vocabulary_cache: tuple[tuple[int, datetime | None], _Vocabulary] | None = None


def _catalogue_vocabulary() -> _Vocabulary:
    global _vocabulary_cache
    catalogue = Food.objects.filter(owner__isnull=True)
    # Imports and retirements touch updated_at, so count and latest change with every import.
    state = catalogue.aggregate(count=Count("pk"), latest=Max("updated_at"))
    fingerprint = (state["count"], state["latest"])
    if _vocabulary_cache is None or _vocabulary_cache[0] != fingerprint:
        names = catalogue.filter(deleted_at__isnull=True).values_list("search_name", flat=True)
        _vocabulary_cache = (fingerprint, _Vocabulary.of(names.iterator(chunk_size=5000)))
    return _vocabulary_cache[1]


def _corrected(terms: list[_Term]) -> list[_Term] | None:
    vocabulary = _catalogue_vocabulary()
    corrected = []
    for term in terms:
        fixes = vocabulary.corrections(term.word) if term.correctable else ()
        corrected.append(
            replace(
                term,
                stems=_without_redundant((*term.stems, *fixes)),
                spellings=tuple(dict.fromkeys((*term.spellings, *fixes))),
            )
        )
    return corrected if corrected != terms else None


def search_foods(*, user: Any, query: str, limit: int = 25) -> list[Food]:
    """Foods visible to `user` that match `query`, best first (see the module docstring)."""
    limit = max(1, limit)
    visible = _visible(user)
    terms = parse_query(query)
    if not terms:
        return list(visible.order_by("name", "pk")[:limit])
    found = _ranked(visible, terms, limit)
    if len(found) >= min(limit, FUZZY_BELOW_RESULTS) or not any(t.correctable for t in terms):
        return found
    corrected = _corrected(terms)
    if corrected is None:
        return found
    others = visible.exclude(pk__in=[food.pk for food in found])
    return found + _ranked(others, corrected, limit - len(found))
