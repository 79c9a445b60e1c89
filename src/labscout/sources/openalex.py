"""Adapter for OpenAlex works as JSON Lines: `.jsonl`, `.jsonl.gz`, and the gzip parts of a snapshot's `works/`.

One work per line, shaped as the API returns it (the snapshot uses the same shape). Each work becomes a
PaperRecord: its authorships in order, with the OpenAlex author id and ORCID as namespaced ids, the name as
printed (`raw_author_name`), and the institutions OpenAlex matched (ROR, country, type) with the raw
affiliation strings behind them; venue, year, type, citations (`cited_by_count`), the abstract rebuilt from
`abstract_inverted_index`, topics and keywords. Unknown fields are ignored, since OpenAlex adds fields often;
a known field of the wrong type is a bad record naming the file, line and field.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from labscout.errors import BadInputError
from labscout.sources.ids import make_id
from labscout.sources.records import (
    AuthorMention,
    Decision,
    Institution,
    PaperRecord,
    RecordIssue,
    SkippedRecord,
    SourceRecord,
)

NAME = "openalex"
WORK_PREFIX = "https://openalex.org/"
_SPACES = re.compile(r"\s+")

# OpenAlex sources of the venues the paper lists hold, by their normalised display names, so that a work
# there counts as that venue (and is recognised as the same paper). Workshops never match.
_VENUE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), code) for p, code in (
    (r"neural information processing systems", "nips"),
    (r"^(?:the )?international conference on learning representations", "iclr"),
    (r"^(?:proceedings of the )?(?:\d+\w* )?international conference on machine learning$", "icml"),
    (r"conference on computer vision and pattern recognition", "cvpr"),
    (r"^(?:\d+ )?(?:ieee/cvf )?international conference on computer vision", "iccv"),
    (r"european conference on computer vision", "eccv"),
    (r"annual meeting of the association for computational linguistics", "acl"),
    (r"empirical methods in natural language processing", "emnlp"),
    (r"north american chapter of the association for computational linguistics", "naacl"),
    (r"aaai conference on artificial intelligence", "aaai"),
    (r"international joint conference on artificial intelligence", "ijcai"),
    (r"conference on robot learning", "corl"),
    (r"artificial intelligence and statistics", "aistats"),
    (r"uncertainty in artificial intelligence", "uai"),
    (r"conference on learning theory", "colt"),
    (r"knowledge discovery and data mining", "kdd"),
    (r"winter conference on applications of computer vision", "wacv"),
))
_ARXIV = re.compile(r"^arxiv\b")
# Work types that are not (yet) peer-reviewed work; OpenAlex has called them both.
_PREPRINT_TYPES = frozenset({"preprint", "posted-content"})


def looks_like(first_line: bytes) -> bool:
    """Whether the first line of a file is an OpenAlex work (for the registry's detection by content)."""
    try:
        first = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        return False
    return isinstance(first, dict) and (str(first.get("id", "")).startswith(WORK_PREFIX + "W")
                                        or "authorships" in first)


def open_lines(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when it is gzip (by its first two bytes, not its name)."""
    handle = path.open("rb")
    magic = handle.read(2)
    handle.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=handle)  # type: ignore[return-value]
    return handle


def iter_records(path: Path, *, skip_bad: bool = False,
                 skipped: list[SkippedRecord] | None = None) -> Iterator[PaperRecord]:
    """Yield the works of one JSON Lines file (plain or gzip); a bad line raises, or is listed in `skipped`.

    A file that ends early (a truncated .gz) raises naming the last line read; under `skip_bad` the lines
    before it are kept and the rest of the file is listed as not read.
    """
    line_no = 0
    try:
        with open_lines(path) as lines:
            for line_no, raw in enumerate(lines, start=1):
                if not raw.strip():
                    continue
                try:
                    record = parse_line(raw, file=str(path), line=line_no)
                except BadInputError as exc:
                    if not skip_bad:
                        raise
                    _skip(skipped, path, line_no, exc.reason)
                    continue
                if isinstance(record, str):
                    _skip(skipped, path, line_no, record)
                    continue
                yield record
    except OSError as exc:  # gzip.BadGzipFile is an OSError
        _damaged(path, line_no, f"not a readable gzip or text file: {exc}", skip_bad, skipped)
    except (EOFError, zlib.error) as exc:
        _damaged(path, line_no, f"the file ends early (truncated download?): {exc}", skip_bad, skipped)


def _damaged(path: Path, line_no: int, reason: str, skip_bad: bool, skipped: list[SkippedRecord] | None) -> None:
    where = f"after line {line_no}" if line_no else "before the first line"
    if not skip_bad:
        raise BadInputError(f"{reason}; nothing could be read {where}", file=str(path), line=line_no + 1)
    _skip(skipped, path, line_no + 1, f"{reason}: the rest of the file, {where}, is not read")


def _skip(skipped: list[SkippedRecord] | None, path: Path, line: int, reason: str) -> None:
    if skipped is not None:
        skipped.append(SkippedRecord(file=str(path), record=line, reason=reason))


def parse_line(raw: bytes, *, file: str, line: int) -> PaperRecord | str:
    """One line as a record; a string says why a well-formed work is left out (no title, no authorships)."""
    try:
        work = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadInputError(f"not JSON (a cut or damaged line?): {exc}", file=file, line=line) from None
    return parse_work(work, file=file, line=line)


def parse_work(work: Any, *, file: str, line: int) -> PaperRecord | str:
    """An OpenAlex work object as a record, or why it is left out; BadInputError for a field of the wrong type."""
    w = _Fields(work, file, line)
    work_id = short_id(w.text("id"))
    if not work_id.startswith("W"):
        raise BadInputError(f"not an OpenAlex work id: {w.text('id')!r}", file=file, line=line, field="id")
    title = _clean(w.text("title") or w.text("display_name"))
    if not title:
        return "work has no title: nothing to cite"
    year = w.year()
    authorships = w.items("authorships")
    if not authorships:
        return "work has no authorships: nobody to credit it to"
    issues: list[RecordIssue] = []
    authors = [a for i, item in enumerate(authorships) if (a := _author(w, i, item, issues)) is not None]
    if not authors:
        return "no authorship names an author"
    work_type = w.text("type") or None
    source_name, venue = _venue(w)
    cited = w.count("cited_by_count")
    record = PaperRecord(
        source_file=file, record_index=line, paper_id=f"openalex-{work_id}", venue=venue, year=year,
        title=title, authors=authors, status=work_type, decision=_decision(work_type, w.flag("is_retracted")),
        keywords=_keywords(w), primary_area=_primary_topic(w), abstract=_abstract(w), source_id=work_id,
        citations=cited, issues=issues, venue_name=source_name,
    )
    record.sources.append(SourceRecord(
        NAME, file, line, work_id, doi=_doi(w.text("doi")), published=w.text("publication_date") or None,
        work_type=work_type, citations=cited, updated=w.text("updated_date") or None))
    return record


def short_id(url: str) -> str:
    """'https://openalex.org/W2741809807' -> 'W2741809807' (an id given bare stays as it is)."""
    return url.rsplit("/", 1)[-1] if url else ""


def rebuild_abstract(inverted: dict[str, list[int]]) -> str:
    """The abstract's text from OpenAlex's inverted index (word -> positions)."""
    placed: dict[int, str] = {}
    for word, positions in inverted.items():
        for position in positions:
            placed[position] = word
    return " ".join(placed[k] for k in sorted(placed))


class _Fields:
    """Typed access to one work's fields; a wrong type raises BadInputError naming the field."""

    def __init__(self, work: Any, file: str, line: int) -> None:
        if not isinstance(work, dict):
            raise BadInputError(f"expected a work object, found {type(work).__name__}", file=file, line=line)
        self.work, self.file, self.line = work, file, line

    def bad(self, field: str, expected: str, value: Any) -> BadInputError:
        return BadInputError(f"expected {expected}, found {type(value).__name__} {str(value)[:40]!r}",
                             file=self.file, line=self.line, field=field)

    def text(self, key: str, within: dict[str, Any] | None = None, path: str | None = None) -> str:
        value = (self.work if within is None else within).get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.bad(path or key, "text", value)
        return value

    def obj(self, key: str, within: dict[str, Any] | None = None, path: str | None = None) -> dict[str, Any]:
        value = (self.work if within is None else within).get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.bad(path or key, "an object", value)
        return value

    def items(self, key: str, within: dict[str, Any] | None = None, path: str | None = None) -> list[Any]:
        value = (self.work if within is None else within).get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.bad(path or key, "a list", value)
        return value

    def objects(self, key: str, within: dict[str, Any] | None = None, path: str | None = None,
                ) -> list[dict[str, Any]]:
        found = self.items(key, within, path)
        for k, item in enumerate(found):
            if not isinstance(item, dict):
                raise self.bad(f"{path or key}[{k}]", "an object", item)
        return found

    def count(self, key: str) -> int | None:
        value = self.work.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.bad(key, "a whole number", value)
        return value

    def flag(self, key: str) -> bool:
        value = self.work.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.bad(key, "true or false", value)
        return value

    def year(self) -> int:
        value = self.work.get("publication_year")
        if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2100:
            return value
        date = self.text("publication_date")
        if value is None and re.match(r"^\d{4}-", date):
            return int(date[:4])
        raise self.bad("publication_year", "a year", value)


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _author(w: _Fields, i: int, item: Any, issues: list[RecordIssue]) -> AuthorMention | None:
    path = f"authorships[{i}]"
    if not isinstance(item, dict):
        raise w.bad(path, "an authorship object", item)
    author = w.obj("author", item, f"{path}.author")
    name = _clean(w.text("raw_author_name", item, f"{path}.raw_author_name")
                  or w.text("display_name", author, f"{path}.author.display_name"))
    if not name:
        issues.append(RecordIssue("authorships", "an authorship without a name",
                                  f"authorship {i + 1} names nobody: left out", i))
        return None
    mention = AuthorMention(order=i, name=name)
    author_id = short_id(w.text("id", author, f"{path}.author.id"))
    if author_id:
        mention.ids.append(make_id("openalex", author_id))
        mention.links["openalex"] = WORK_PREFIX + author_id
    orcid = w.text("orcid", author, f"{path}.author.orcid")
    found = re.search(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dxX])", orcid)
    if found:
        mention.ids.append(make_id("orcid", found.group(1).lower()))
        mention.links["orcid"] = orcid
    countries = [c for c in w.items("countries", item, f"{path}.countries") if isinstance(c, str)]
    mention.institutions = _institutions(w, item, path, countries)
    raw = [_clean(s) for s in w.items("raw_affiliation_strings", item, f"{path}.raw_affiliation_strings")
           if isinstance(s, str) and s.strip()]
    if mention.institutions:
        mention.affiliation = "+".join(inst.name for inst in mention.institutions)
    elif raw:
        # OpenAlex matched no institution: the strings as printed, for LabScout's own resolution.
        mention.affiliation = "+".join(dict.fromkeys(raw))
    if mention.affiliation:
        mention.affiliation_source = NAME
    return mention


def _institutions(w: _Fields, item: dict[str, Any], path: str, countries: list[str]) -> list[Institution]:
    raw_of: dict[str, list[str]] = {}
    for k, aff in enumerate(w.objects("affiliations", item, f"{path}.affiliations")):
        text = _clean(w.text("raw_affiliation_string", aff, f"{path}.affiliations[{k}].raw_affiliation_string"))
        for inst_id in w.items("institution_ids", aff, f"{path}.affiliations[{k}].institution_ids"):
            if isinstance(inst_id, str) and text:
                raw_of.setdefault(short_id(inst_id), []).append(text)
    found: list[Institution] = []
    for k, inst in enumerate(w.objects("institutions", item, f"{path}.institutions")):
        where = f"{path}.institutions[{k}]"
        name = _clean(w.text("display_name", inst, f"{where}.display_name"))
        if not name:
            continue
        inst_id = short_id(w.text("id", inst, f"{where}.id"))
        ror = short_id(w.text("ror", inst, f"{where}.ror")).lower() or None
        country = w.text("country_code", inst, f"{where}.country_code").upper() or None
        if country is None and len(countries) == 1:
            country = countries[0].upper()
        found.append(Institution(name, inst_id or None, ror, country, w.text("type", inst, f"{where}.type") or None,
                                 tuple(dict.fromkeys(raw_of.get(inst_id, ())))))
    return found


def _venue(w: _Fields) -> tuple[str | None, str]:
    """The venue's display name and its code: one of the paper lists' codes when it is one of their venues."""
    location = w.obj("primary_location")
    source = w.obj("source", location, "primary_location.source")
    name = _clean(w.text("display_name", source, "primary_location.source.display_name"))
    if not name:
        return "OpenAlex (no venue given)", NAME
    key = re.sub(r"[^a-z0-9/ ]+", " ", name.casefold())
    key = _SPACES.sub(" ", key).strip()
    if "workshop" not in key:
        for pattern, code in _VENUE_PATTERNS:
            if pattern.search(key):
                return None, code
    if _ARXIV.match(key):
        return "arXiv", "arxiv"
    source_id = short_id(w.text("id", source, "primary_location.source.id")).lower()
    return name, f"openalex-{source_id}" if source_id else NAME


def _decision(work_type: str | None, retracted: bool) -> Decision:
    if retracted:
        return "withdrawn"
    # A preprint shows work that is not yet accepted anywhere: like a submission under review.
    return "pending" if work_type in _PREPRINT_TYPES else "accepted"


def _keywords(w: _Fields) -> list[str]:
    words = [w.text("display_name", k, f"keywords[{i}].display_name")
             for i, k in enumerate(w.objects("keywords"))]
    words += [w.text("display_name", t, f"topics[{i}].display_name") for i, t in enumerate(w.objects("topics"))]
    return list(dict.fromkeys(_clean(x) for x in words if x.strip()))


def _primary_topic(w: _Fields) -> str | None:
    return _clean(w.text("display_name", w.obj("primary_topic"), "primary_topic.display_name")) or None


def _abstract(w: _Fields) -> str | None:
    inverted = w.obj("abstract_inverted_index")
    for positions in inverted.values():
        if not isinstance(positions, list) or not all(isinstance(p, int) and not isinstance(p, bool)
                                                      for p in positions):
            raise w.bad("abstract_inverted_index", "word positions (lists of whole numbers)", positions)
    return rebuild_abstract(inverted) or None


def _doi(url: str) -> str | None:
    doi = re.sub(r"^https?://(?:dx\.)?doi\.org/", "", url.strip(), flags=re.I)
    return doi.lower() or None
