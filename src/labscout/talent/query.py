"""From what a user types to a tantivy query: words weighted by how much they say, phrases, expansions.

Nothing the user types reaches tantivy's query parser: the text is cut into words, analysed exactly as the
index analyses papers, and the query is assembled from term and phrase queries. So "graph --", "-graph",
quotes, "AND" or a 5,000-character paste are words like any others, never syntax, and cannot fail.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import pairwise

import tantivy

from labscout.errors import InvalidError
from labscout.talent.expansions import STOP_WORDS, Expansion, acronym_key
from labscout.talent.index import TalentIndex

# How needs are phrased around the topic: "experts in ...", "someone who has worked on ...".
NEED_WORDS = frozenset(
    "expert experts expertise researcher researchers scientist scientists engineer engineers people person "
    "someone somebody anyone candidate candidates hire hiring looking find need needs want strong "
    "background experience experienced work works worked working knows know focused specialist "
    "specialists".split())
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 5000
MAX_TERMS = 32
# A core whose words are on this many papers is not looked up (see `search.RankWeights.off_core`).
_WIDE_CORE = 2000


@dataclass(frozen=True, slots=True)
class FieldBoosts:
    """How much a match in each part of a paper counts."""

    title: float = 1.5
    keywords: float = 1.0
    abstract: float = 0.3
    area: float = 0.3
    track: float = 0.15
    phrase: float = 0.8        # a phrase of two query words, on top of the words themselves
    # Two common words can make one rare concept ("distributed training": words on 7% and 15% of papers, the
    # phrase in 82 titles and keyword lists): a phrase is weighted by how many papers hold it, counted in
    # titles and keywords, and counts fully below this share (phrases are rarer than words, so lower).
    phrase_generic_share: float = 0.002
    expansion: float = 0.7     # a synonym or related keyword learnt from the data
    # A word on this share of papers says little ("model", "learning"): weighted down from there.
    generic_share: float = 0.02
    min_word_weight: float = 0.15
    # Words, phrases and acronym expansions weighing at least this share of the query's heaviest word are its
    # specific part (its core).
    core_weight: float = 0.85


@dataclass(frozen=True, slots=True)
class Term:
    token: str
    typed: str
    weight: float
    papers: int


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """A query as it is searched: its words and their weights, its phrases and expansions."""

    text: str
    terms: list[Term]
    phrases: list[tuple[str, str]]
    phrase_weights: list[float]
    expansions: list[Expansion]
    query: tantivy.Query | None
    # The query's specific part when it also has generic words: the papers that hold none of it match only by
    # the generic words (see `search.RankWeights.off_core`).
    core: tantivy.Query | None = None

    @property
    def empty(self) -> bool:
        return self.query is None


def _doc_freq(ti: TalentIndex, token: str) -> int:
    return max(ti.searcher.doc_freq("title", token), ti.searcher.doc_freq("abstract", token),
               ti.searcher.doc_freq("keywords", token))


def plan_query(ti: TalentIndex, text: str, boosts: FieldBoosts = FieldBoosts(),
               years: tuple[int, int] | None = None) -> QueryPlan:
    """Analyse `text` into a weighted query; raises InvalidError (a field error on the query) when nothing is
    left to search for."""
    if not text or not text.strip():
        raise InvalidError("query: give a topic to search for, e.g. \"diffusion models\"", field="query")
    clipped = text[:MAX_QUERY_CHARS]
    words = [w for w in _WORD.findall(clipped) if w.lower() not in STOP_WORDS]
    content = [w for w in words if w.lower() not in NEED_WORDS]
    if not content:
        raise InvalidError(f"query: {_short(text)!r} holds only common words; name a topic, e.g. "
                           "\"graph neural networks\"", field="query")
    analyse = ti.analyzer.analyze
    seen: dict[str, Term] = {}
    sequence: list[str] = []
    n = max(ti.num_docs, 1)
    for word in content:
        for token in analyse(word):
            if len(token) < 2 and not token.isdigit():
                continue
            sequence.append(token)
            if token in seen:
                continue
            papers = _doc_freq(ti, token)
            share = papers / n
            weight = 1.0 if share <= boosts.generic_share else max(
                boosts.min_word_weight, math.log(1 / share) / math.log(1 / boosts.generic_share))
            if acronym_key(word):
                weight = 1.0  # typed in capitals: the user means that exact thing
            seen[token] = Term(token, word, weight if papers else 0.0, papers)
    terms = sorted(seen.values(), key=lambda t: -t.weight * math.log(1 + n / (1 + t.papers)))[:MAX_TERMS]
    kept = {t.token for t in terms}
    sequence = [t for t in sequence if t in kept]
    phrases = list(dict.fromkeys((a, b) for a, b in pairwise(sequence) if a != b))[:MAX_TERMS]
    weight_of = {t.token: t.weight for t in terms}
    phrase_weights = [_phrase_weight(ti, a, c, n, boosts, min(weight_of[a], weight_of[c])) for a, c in phrases]
    expansions = ti.expansions.expand(content, sequence)
    if not any(t.weight > 0 for t in terms) and not expansions:
        return QueryPlan(text, terms, phrases, phrase_weights, expansions, None)
    weighted = list(zip(phrases, phrase_weights, strict=True))
    clauses = _clauses(ti, terms, weighted, expansions, boosts)
    query = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in clauses])
    if years is not None:
        span = tantivy.Query.range_query(ti.index.schema, "year", tantivy.FieldType.Integer, years[0], years[1])
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, span)])
    return QueryPlan(text, terms, phrases, phrase_weights, expansions, query,
                     _core(ti, terms, weighted, expansions, boosts))


def _core(ti: TalentIndex, terms: list[Term], phrases: list[tuple[tuple[str, str], float]],
          expansions: list[Expansion], b: FieldBoosts) -> tantivy.Query | None:
    """Papers holding a specific word, phrase or acronym expansion of the query; None when the query has no
    generic word (then every match is on its specific part) or nothing specific."""
    top = max((t.weight for t in terms), default=0.0)
    least = b.core_weight * top
    if not any(0 < t.weight < least for t in terms):
        return None
    if sum(t.papers for t in terms if t.weight >= least) >= _WIDE_CORE:
        return None  # held by so many papers that most papers found hold it: not worth a search
    schema = ti.index.schema
    out: list[tantivy.Query] = []
    for t in terms:
        if t.weight >= least:
            out += [tantivy.Query.term_query(schema, name, t.token) for name in ("title", "keywords", "abstract")]
    for (a, c), weight in phrases:
        if weight >= least:
            out += [tantivy.Query.phrase_query(schema, name, [a, c], slop=1) for name in ("title", "keywords")]
    for e in expansions:
        if e.weight >= least:
            out += [tantivy.Query.term_query(schema, name, e.terms[0]) if len(e.terms) == 1
                    else tantivy.Query.phrase_query(schema, name, list(e.terms)) for name in ("title", "keywords")]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in out]) if out else None


def _phrase_weight(ti: TalentIndex, a: str, c: str, n: int, b: FieldBoosts, words: float) -> float:
    """How much a phrase says, from the share of papers whose title or keywords hold it (as for words); never
    less than its lighter word (`words`). Counted only when that word is light: counting a phrase costs
    milliseconds, and a phrase of two specific words is specific."""
    if words <= 0 or words >= b.core_weight:
        return words
    schema = ti.index.schema
    result = ti.searcher.search(tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, tantivy.Query.phrase_query(schema, name, [a, c], slop=1))
         for name in ("title", "keywords")]), 1, count=True)
    found = int(getattr(result, "count", 0) or 0)
    if not found:
        return words
    share = found / n
    if share <= b.phrase_generic_share:
        return 1.0
    return max(words, math.log(1 / share) / math.log(1 / b.phrase_generic_share))


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _clauses(ti: TalentIndex, terms: list[Term], phrases: list[tuple[tuple[str, str], float]],
             expansions: list[Expansion], b: FieldBoosts) -> list[tantivy.Query]:
    schema = ti.index.schema
    fields = {"title": b.title, "keywords": b.keywords, "abstract": b.abstract, "area": b.area, "track": b.track}
    out: list[tantivy.Query] = []
    for term in terms:
        if term.weight <= 0:
            continue
        variants = [term.token]
        # "LLMs" is not stemmed to "llm" (no vowel): an acronym matches its plural and singular alike.
        if acronym_key(term.typed) or not any(c in "aeiou" for c in term.token):
            variants.append(term.token[:-1] if term.token.endswith("s") else term.token + "s")
        for name, boost in fields.items():
            for token in variants:
                out.append(tantivy.Query.boost_query(tantivy.Query.term_query(schema, name, token),
                                                     boost * term.weight))
    # Phrases are matched in titles and keywords only: in abstracts they cost ten times the rest of the query
    # (positions of common words in long texts) for little gain; single words are matched everywhere.
    for (a, c), specific in phrases:
        w = b.phrase * specific
        if w <= 0.05:
            continue
        for name in ("title", "keywords"):
            out.append(tantivy.Query.boost_query(
                tantivy.Query.phrase_query(schema, name, [a, c], slop=1), w * fields[name]))
    for e in expansions:
        for name in ("title", "keywords", "abstract") if len(e.terms) == 1 else ("title", "keywords"):
            inner = (tantivy.Query.term_query(schema, name, e.terms[0]) if len(e.terms) == 1
                     else tantivy.Query.phrase_query(schema, name, list(e.terms)))
            out.append(tantivy.Query.boost_query(inner, b.expansion * e.weight * fields[name]))
    return out
