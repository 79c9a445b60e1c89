"""Synonyms learnt from the papers themselves: acronyms and their long forms, and keywords that go together.

Authors define their acronyms in the text ("Reinforcement Learning from Human Feedback (RLHF)", "Mixture of
Experts (MoE)"), and the keywords they choose for one paper name one topic from several sides ("RLHF",
"alignment", "preference learning"). Both are counted over the whole record at index time (Schwartz and
Hearst's rule for the first: the long form's words start with the acronym's letters, in order), so a
recruiter who types "RLHF" also finds the papers that spell it out, and one who writes "vision transformers"
also finds "ViT". Nothing here is a hand-written list.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

import tantivy

_DEFINED = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9]{1,9})\s*\)")
_WORD = re.compile(r"[A-Za-z0-9]+")
# Small words a long form may hold without a letter of its own ("Mixture of Experts" is MoE).
_MINOR = frozenset("a an and by for from in of on the to via with".split())
# Words no query is searched by; keys below leave them out, as queries do.
STOP_WORDS = frozenset(
    "a an and are as at be by for from has have how in into is it its of on or over that the their this to "
    "towards under using via what when where which who why with without not no can do does we our you your "
    "i me my".split())


def key_of(tokens: list[str] | tuple[str, ...]) -> str:
    """How a phrase is looked up: its index tokens without the stop words a query drops."""
    return " ".join(t for t in tokens if t not in STOP_WORDS)
MIN_ACRONYM_COUNT = 3
MIN_KEYWORD_PAPERS = 5
MIN_PAIR_PAPERS = 3
RELATED_PER_KEYWORD = 4
MIN_RELATED_STRENGTH = 0.2


def acronym_key(word: str) -> str | None:
    """"RLHF", "MoE", "ViT", "LLMs" -> their letters ("rlhf", "moe", "vit", "llm"); None for ordinary words."""
    stem = word[:-1] if word.endswith("s") and sum(c.isupper() for c in word[:-1]) >= 2 else word
    if sum(c.isupper() for c in stem) < 2 or not stem[0].isalpha():
        return None
    return stem.lower()


def long_form(text_before: str, acronym: str) -> list[str] | None:
    """The words just before "(ACRONYM)" whose initials spell the acronym's capitals, or None."""
    stem = acronym[:-1] if acronym.endswith("s") and sum(c.isupper() for c in acronym[:-1]) >= 2 else acronym
    letters = [c.lower() for c in stem if c.isupper() or c.isdigit()] or [stem[0].lower()]
    if stem[0].lower() != letters[0]:
        letters.insert(0, stem[0].lower())
    words = _WORD.findall(text_before[-160:])
    j = len(letters) - 1
    for used, k in enumerate(range(len(words) - 1, -1, -1), 1):
        word = words[k].lower()
        if used > len(letters) + 4:
            return None
        if word[0] == letters[j]:
            j -= 1
            if j < 0:
                return [w.lower() for w in words[k:]]
        elif word not in _MINOR:
            return None
    return None


@dataclass(frozen=True, slots=True)
class Expansion:
    """One more way to say part of a query: `terms` (index tokens, a phrase when several) and its weight."""

    terms: tuple[str, ...]
    text: str
    weight: float
    why: str


@dataclass(slots=True)
class Expansions:
    """What the data says goes with what; keys are index tokens joined by spaces."""

    # acronym letters -> [(long form tokens, long form as written, share of its definitions)]
    acronyms: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)
    # long form key (tokens without stop words) -> acronym token
    long_forms: dict[str, str] = field(default_factory=dict)
    # keyword key -> [(related keyword tokens, as written, strength 0..1)]
    related: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"acronyms": self.acronyms, "long_forms": self.long_forms, "related": self.related}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Expansions:
        def triples(d: dict[str, Any]) -> dict[str, list[tuple[str, str, float]]]:
            # Kept as JSON gave them ([tokens, text, weight] lists unpack exactly as the triples do): converting
            # every entry was a fifth of a second of the first query after start, for the few a query reads.
            return cast(dict[str, list[tuple[str, str, float]]], d)
        return cls(triples(data.get("acronyms", {})), dict(data.get("long_forms", {})),
                   triples(data.get("related", {})))

    def expand(self, words: list[str], tokens: list[str], limit: int = 8) -> list[Expansion]:
        """Expansions for a query given as typed `words` and as index `tokens` (both in query order, stop words
        left out)."""
        found: dict[tuple[str, ...], Expansion] = {}

        def add(terms: tuple[str, ...], text: str, weight: float, why: str) -> None:
            if terms and (terms not in found or found[terms].weight < weight):
                found[terms] = Expansion(terms, text, weight, why)

        single = len(words) == 1
        for word in words:
            key = acronym_key(word) or (word.lower() if single and len(word) <= 5 else None)
            for tokens_of, text, share in self.acronyms.get(key or "", []):
                add(tuple(tokens_of.split()), text, min(1.0, 0.4 + share), f"{word} is {text}")
        # Longest long forms first, not overlapping: "vision language model" is VLM, not VL + LM.
        taken: set[int] = set()
        for size in range(min(len(tokens), 6), 1, -1):
            for i in range(len(tokens) - size + 1):
                gram = " ".join(tokens[i:i + size])
                acronym = self.long_forms.get(gram)
                if acronym and acronym not in tokens and not taken & set(range(i, i + size)):
                    taken.update(range(i, i + size))
                    add((acronym,), acronym.upper(), 1.0, f"{gram} is written {acronym.upper()}")
        # Related keywords only for a topic of several words (or an acronym's long form): a single common
        # word relates to everything.
        grams = [" ".join(tokens[i:j]) for i in range(len(tokens)) for j in range(i + 2, min(len(tokens), i + 6) + 1)]
        spelled = [key_of(e.terms) for e in found.values() if len(e.terms) > 1]
        for gram in [*grams, *spelled]:
            for tokens_of, text, strength in self.related.get(gram, []):
                if strength >= MIN_RELATED_STRENGTH:
                    add(tuple(tokens_of.split()), text, 0.35 * strength, f"keyword {text!r} goes with {gram!r}")
        ordered = sorted(found.values(), key=lambda e: -e.weight)
        return [e for e in ordered if set(e.terms) - set(tokens)][:limit]


class Learner:
    """Counts acronym definitions and keyword pairs over the papers, then keeps what recurs."""

    def __init__(self, analyzer: tantivy.TextAnalyzer) -> None:
        self._analyze = analyzer.analyze
        self._definitions: dict[str, Counter[str]] = defaultdict(Counter)
        self._written: dict[str, str] = {}
        self._keyword_papers: Counter[str] = Counter()
        self._pairs: Counter[tuple[str, str]] = Counter()
        self._keyword_text: dict[str, str] = {}
        self._keyword_tokens: dict[str, str] = {}
        self._papers_with_keywords = 0

    def add(self, title: str, abstract: str | None, tldr: str | None, keywords: list[str]) -> None:
        for text in (title, abstract, tldr, *keywords):
            if text and "(" in text:
                self._definitions_in(text)
        keys = []
        for keyword in keywords[:12]:
            tokens = self._analyze(keyword)
            key = key_of(tokens)
            if key and key not in keys:
                keys.append(key)
                self._keyword_text.setdefault(key, keyword.strip().lower())
                self._keyword_tokens.setdefault(key, " ".join(tokens))
        if keys:
            self._papers_with_keywords += 1
        self._keyword_papers.update(keys)
        for a in range(len(keys)):
            for b in range(a + 1, len(keys)):
                self._pairs[(keys[a], keys[b]) if keys[a] < keys[b] else (keys[b], keys[a])] += 1

    def _definitions_in(self, text: str) -> None:
        for match in _DEFINED.finditer(text):
            acronym = match.group(1)
            key = acronym_key(acronym)
            if key is None:
                continue
            words = long_form(text[:match.start()], acronym)
            if words is None or len(words) < 2:
                continue
            tokens = " ".join(self._analyze(" ".join(words)))
            self._definitions[key][tokens] += 1
            self._written.setdefault(tokens, " ".join(words))

    def finish(self) -> Expansions:
        out = Expansions()
        for key, forms in self._definitions.items():
            total = sum(forms.values())
            if total < MIN_ACRONYM_COUNT:
                continue
            kept = [(tokens, self._written[tokens], n / total) for tokens, n in forms.most_common(3)
                    if n >= 2 and n / total >= 0.15]
            if kept:
                out.acronyms[key] = [(t, w, round(s, 3)) for t, w, s in kept]
                acronym_token = self._analyze(key)
                for tokens, _, share in kept:
                    if share >= 0.3 and acronym_token:
                        out.long_forms.setdefault(key_of(tokens.split()), acronym_token[0])
        neighbours: dict[str, list[tuple[float, str]]] = defaultdict(list)
        df = self._keyword_papers
        # A keyword on most papers ("deep learning") says nothing about any one topic.
        generic = max(50, self._papers_with_keywords // 50)
        for (a, b), n in self._pairs.items():
            if n < MIN_PAIR_PAPERS or df[a] < MIN_KEYWORD_PAPERS or df[b] < MIN_KEYWORD_PAPERS:
                continue
            strength = n / math.sqrt(df[a] * df[b])
            if df[b] <= generic:
                neighbours[a].append((strength, b))
            if df[a] <= generic:
                neighbours[b].append((strength, a))
        for a, found in neighbours.items():
            best = sorted(found, reverse=True)[:RELATED_PER_KEYWORD]
            out.related[a] = [(self._keyword_tokens[b], self._keyword_text[b], round(min(1.0, s * 2), 3))
                              for s, b in best if s >= 0.05]
        out.related = {k: v for k, v in out.related.items() if v}
        return out
