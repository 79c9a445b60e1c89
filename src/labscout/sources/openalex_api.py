"""A client for the OpenAlex API (httpx): works by author, ORCID, institution, topic or date, page by page.

It is polite: it names the user (`mailto`, OpenAlex's polite pool) and sends the API key when given, keeps
under a request rate of its own, waits as long as a 429 says (`Retry-After`) and backs off exponentially on
5xx answers and broken connections. A 429 also slows the client's own pace (halved, down to a floor), so it
does not run into the limit again at once; it speeds up again step by step while the answers come, up to just
under the pace that drew the 429, and probes beyond that only after a long calm. A Retry-After longer than
the client would ever wait (a spent daily allowance) is an error saying when to try again, not a retry.
A 403 (a refused key, a spent allowance), any other 4xx, or an answer that is not JSON (an HTML error page
from a proxy) is an UnavailableError naming the request, never retried blindly. Lists are read with cursor
paging (`cursor=*`, then each page's `meta.next_cursor`).
"""

from __future__ import annotations

import email.utils
import hashlib
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson

from labscout.errors import InvalidError, UnavailableError
from labscout.kit.text import is_digits

DEFAULT_BASE_URL = "https://api.openalex.org"
# OpenAlex pages hold at most 200 results (the documented range of per-page is 1-200).
MAX_PER_PAGE = 200
# Values OR-ed in one filter ("authorships.author.id:A1|A2|..."): OpenAlex takes up to 100.
MAX_OR_VALUES = 50


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """How the client talks to OpenAlex; every field has a default a user with internet can keep."""

    base_url: str = DEFAULT_BASE_URL
    mailto: str | None = None
    api_key: str | None = None
    per_page: int = MAX_PER_PAGE
    # OpenAlex allows 100 requests a second at most; a tenth of that is polite and plenty for paging.
    requests_per_second: float = 10.0
    # The slowest pace a run of 429s can bring the client down to.
    min_requests_per_second: float = 0.5
    # Answers without a 429 before the pace goes up one step (a tenth of `requests_per_second`) again.
    recover_after: int = 20
    max_retries: int = 6
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 120.0
    timeout_seconds: float = 60.0


@dataclass(slots=True)
class ClientStats:
    """What the client did: requests sent, retries after 429/5xx, and the seconds it waited on purpose."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    waited_seconds: float = 0.0
    # The pace the client keeps now (requests a second) and the slowest it kept: below the configured pace
    # after a 429.
    pace: float = 0.0
    slowest_pace: float = 0.0


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: its results, the total OpenAlex counts for the query, and the next cursor."""

    results: list[Any]
    count: int | None
    next_cursor: str | None
    request: str


@dataclass(frozen=True, slots=True)
class WorksQuery:
    """Which works to fetch; filters combine (AND), the values of one filter are alternatives (OR).

    `authors` are OpenAlex author ids ("A5023888391"), `orcids` ORCID iDs, `institutions` ROR ids or
    OpenAlex institution ids ("I4210161460"), `topic` free text searched in titles and abstracts,
    `since` an ISO date of first publication.
    """

    authors: tuple[str, ...] = ()
    orcids: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    topic: str | None = None
    since: str | None = None

    def params(self) -> dict[str, str]:
        """The query string of /works for this query (without paging)."""
        filters = []
        if self.authors:
            filters.append("authorships.author.id:" + "|".join(self.authors))
        if self.orcids:
            filters.append("authorships.author.orcid:" + "|".join(self.orcids))
        rors = [i for i in self.institutions if not i.upper().startswith("I")]
        ids = [i for i in self.institutions if i.upper().startswith("I")]
        if rors:
            filters.append("authorships.institutions.ror:" + "|".join(rors))
        if ids:
            filters.append("authorships.institutions.id:" + "|".join(ids))
        if self.since:
            filters.append(f"from_publication_date:{self.since}")
        params = {"filter": ",".join(filters)} if filters else {}
        if self.topic:
            params["search"] = self.topic
        return params

    def label(self) -> str:
        """A short name for files holding this query's works ("author-A5023888391-since-2025-01-01")."""
        parts = [f"author-{'-'.join(self.authors)}" if self.authors else "",
                 f"orcid-{'-'.join(self.orcids)}" if self.orcids else "",
                 f"institution-{'-'.join(self.institutions)}" if self.institutions else "",
                 "topic-" + "-".join(self.topic.lower().split())[:60] if self.topic else "",
                 f"since-{self.since}" if self.since else ""]
        text = "-".join(p for p in parts if p) or "all"
        safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in text)
        if len(safe) > 120:  # many authors at once: a digest keeps the name short and the same each time
            safe = safe[:80] + "-" + hashlib.blake2b(safe.encode(), digest_size=6).hexdigest()
        return safe


_ROR_ID = re.compile(r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")
_INSTITUTION_ID = re.compile(r"^[Ii][0-9]+$")


def is_institution_id(value: str) -> bool:
    """Whether `value` is a ROR id ("05wx9n238") or an OpenAlex institution id ("I4210161460")."""
    return bool(_ROR_ID.match(value.lower()) or _INSTITUTION_ID.match(value))


def check_query(query: WorksQuery) -> None:
    """Raise InvalidError for a query OpenAlex would refuse or that asks for everything."""
    if not (query.authors or query.orcids or query.institutions or query.topic or query.since):
        raise InvalidError("say whose works to fetch: an author, ORCID, institution, topic or date", field="query")
    for value in query.authors:
        if not (value[:1].upper() == "A" and is_digits(value[1:])):
            raise InvalidError(f"{value!r} is not an OpenAlex author id (A followed by digits)", field="author")
    for value in query.orcids:
        digits = value.replace("-", "")
        if len(digits) != 16 or not is_digits(digits[:15]):
            raise InvalidError(f"{value!r} is not an ORCID iD (0000-0000-0000-000X)", field="orcid")
    for value in query.institutions:
        if not is_institution_id(value):
            raise InvalidError(f"{value!r} is neither a ROR id (such as 05wx9n238) nor an OpenAlex institution id "
                               "(I followed by digits)", field="institution")
    if query.since is not None:
        try:
            time.strptime(query.since, "%Y-%m-%d")
        except ValueError:
            raise InvalidError(f"{query.since!r} is not a date (YYYY-MM-DD)", field="since") from None


Sleep = Callable[[float], None]
Clock = Callable[[], float]


@dataclass
class OpenAlexClient:
    """The API client; `transport`, `sleep` and `clock` are for tests and benches (a loopback server)."""

    settings: ClientSettings = field(default_factory=ClientSettings)
    transport: httpx.BaseTransport | None = None
    sleep: Sleep = time.sleep
    clock: Clock = time.monotonic
    stats: ClientStats = field(default_factory=ClientStats)
    _http: httpx.Client | None = None
    _next_slot: float = 0.0
    _jitter: random.Random = field(default_factory=lambda: random.Random(0))
    # The pace now, the pace that last drew a 429 (recovery stays under it), answers since the last change.
    _rate: float = 0.0
    _limit_seen: float | None = None
    _calm: int = 0

    def __post_init__(self) -> None:
        self._rate = self.settings.requests_per_second
        self.stats.pace = self.stats.slowest_pace = self._rate

    def __enter__(self) -> OpenAlexClient:
        headers = {"User-Agent": "LabScout (https://github.com/labscout; OpenAlex client)"
                   + (f" mailto:{self.settings.mailto}" if self.settings.mailto else "")}
        self._http = httpx.Client(base_url=self.settings.base_url.rstrip("/"), headers=headers,
                                  timeout=self.settings.timeout_seconds, transport=self.transport,
                                  follow_redirects=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    # -- one request -----------------------------------------------------------------------------------

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> tuple[Any, str]:
        """GET `path` with `params` and the polite-pool and key parameters; the parsed JSON and the request."""
        if self._http is None:
            raise RuntimeError("use the client in a `with` block")
        query = dict(params or {})
        if self.settings.mailto:
            query["mailto"] = self.settings.mailto
        shown = f"GET {self.settings.base_url.rstrip('/')}{path}" + (f"?{urlencode(query)}" if query else "")
        if self.settings.api_key:
            query["api_key"] = self.settings.api_key  # sent, never shown in a message
        attempt = 0
        while True:
            self._pace()
            self.stats.requests += 1
            try:
                response = self._http.get(path, params=query)
            except httpx.TransportError as exc:
                wait = self._backoff(attempt)
                if attempt >= self.settings.max_retries:
                    raise UnavailableError(f"no answer after {attempt + 1} tries ({exc.__class__.__name__}: "
                                           f"{exc})", request=shown) from None
                attempt += 1
                self._wait(wait)
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                if attempt >= self.settings.max_retries:
                    raise UnavailableError(f"HTTP {status} after {attempt + 1} tries; try again later",
                                           request=shown)
                told = _retry_after(response) if status in (429, 503) else None
                if told is not None and told > self.settings.max_backoff_seconds:
                    raise UnavailableError(f"HTTP {status}: OpenAlex asks to wait {told:,.0f} s before the next "
                                           f"request (more than the {self.settings.max_backoff_seconds:g} s this "
                                           "client waits; a daily allowance may be spent): try again then",
                                           request=shown)
                if status == 429:
                    self.stats.rate_limited += 1
                    self._slow_down()
                attempt += 1
                self._wait(told if told is not None else self._backoff(attempt - 1))
                continue
            self._answered()
            return _parse(response, shown), shown

    def _pace(self) -> None:
        # Requests are spaced evenly: at most `requests_per_second`, however fast the answers come.
        now = self.clock()
        if now < self._next_slot:
            self._wait(self._next_slot - now, counted=False)
            now = self.clock()
        self._next_slot = max(now, self._next_slot) + 1.0 / self._rate

    def _slow_down(self) -> None:
        # Multiplicative decrease: the limit is somewhere below the pace that drew the 429.
        self._limit_seen = self._rate
        self._set_rate(min(self._rate, max(self.settings.min_requests_per_second, self._rate / 2)))

    def _answered(self) -> None:
        # Additive increase, one step per `recover_after` answers, up to just under the pace that drew the
        # last 429; after ten times as long a calm, that memory is dropped and the configured pace is allowed.
        self._calm += 1
        top = self.settings.requests_per_second
        if self._limit_seen is not None:
            if self._calm >= 10 * self.settings.recover_after:
                self._limit_seen = None
            else:
                top = min(top, 0.9 * self._limit_seen)
        if self._calm % self.settings.recover_after == 0 and self._rate < top:
            self._set_rate(min(top, self._rate + self.settings.requests_per_second / 10))

    def _set_rate(self, rate: float) -> None:
        if rate < self._rate:
            self._calm = 0
        self._rate = rate
        self.stats.pace = rate
        self.stats.slowest_pace = min(self.stats.slowest_pace, rate)

    def _backoff(self, attempt: int) -> float:
        base = min(self.settings.max_backoff_seconds, self.settings.backoff_seconds * 2.0 ** attempt)
        return float(base * (0.5 + self._jitter.random() / 2))  # jitter: clients retrying together spread out

    def _wait(self, seconds: float, *, counted: bool = True) -> None:
        if counted:
            self.stats.retries += 1
        seconds = min(max(seconds, 0.0), self.settings.max_backoff_seconds)
        self.stats.waited_seconds += seconds
        self.sleep(seconds)

    # -- lists -------------------------------------------------------------------------------------------

    def pages(self, path: str, params: Mapping[str, str], *, cursor: str = "*") -> Iterator[Page]:
        """Every page of a list from `cursor` on ("*" is the start), until OpenAlex gives no next cursor."""
        while True:
            body, shown = self.get_json(path, {**params, "per-page": str(self.settings.per_page), "cursor": cursor})
            meta = body.get("meta") if isinstance(body, dict) else None
            results = body.get("results") if isinstance(body, dict) else None
            if not isinstance(meta, dict) or not isinstance(results, list):
                raise UnavailableError("the answer has no 'meta' and 'results': not an OpenAlex list", request=shown)
            following = meta.get("next_cursor")
            next_cursor = following if isinstance(following, str) and following and results else None
            count = meta.get("count")
            yield Page(results, count if isinstance(count, int) else None, next_cursor, shown)
            if next_cursor is None:
                return
            cursor = next_cursor

    def works(self, query: WorksQuery, *, cursor: str = "*") -> Iterator[Page]:
        check_query(query)
        return self.pages("/works", query.params(), cursor=cursor)

    def find_authors(self, name: str, *, limit: int = 25) -> list[dict[str, Any]]:
        """OpenAlex's author clusters for a name, most works first (candidates, not answers)."""
        return self._search("/authors", name, limit)

    def find_institutions(self, name: str, *, limit: int = 10) -> list[dict[str, Any]]:
        """OpenAlex's institutions for a name, best match first."""
        return self._search("/institutions", name, limit)

    def _search(self, path: str, text: str, limit: int) -> list[dict[str, Any]]:
        body, shown = self.get_json(path, {"search": text, "per-page": str(min(limit, MAX_PER_PAGE))})
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list):
            raise UnavailableError("the answer has no 'results': not an OpenAlex list", request=shown)
        return [r for r in results if isinstance(r, dict)]


def batched(values: Sequence[str], size: int = MAX_OR_VALUES) -> list[tuple[str, ...]]:
    """Values in groups small enough for one OR filter."""
    return [tuple(values[k:k + size]) for k in range(0, len(values), size)]


def _retry_after(response: httpx.Response) -> float | None:
    """The wait a 429 asks for: seconds, or an HTTP date."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if is_digits(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _parse(response: httpx.Response, shown: str) -> Any:
    status = response.status_code
    kind = response.headers.get("content-type", "")
    body = response.content
    try:
        parsed = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        parsed = None
    if status == 403:
        raise UnavailableError("HTTP 403: OpenAlex refused the request (a wrong API key, or the day's allowance "
                               "is spent; OpenAlex also answers 403 when asked too fast)" + _says(parsed),
                               request=shown)
    if status >= 400:
        raise UnavailableError(f"HTTP {status}" + _says(parsed), request=shown)
    if parsed is None or "html" in kind:
        start = body[:60].decode("utf-8", "replace").strip()
        raise UnavailableError(f"the answer is not JSON ({kind or 'no content type'}: {start!r}); a proxy or "
                               "maintenance page?", request=shown)
    return parsed


def _says(parsed: Any) -> str:
    if isinstance(parsed, dict):
        words = [str(parsed[k]) for k in ("error", "message") if parsed.get(k)]
        if words:
            return ": " + "; ".join(words)
    return ""
