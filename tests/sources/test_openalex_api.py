"""The OpenAlex client against a loopback server replaying recorded responses, faults included."""

from __future__ import annotations

import gzip
import itertools
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from labscout.errors import InvalidError, UnavailableError
from labscout.sources import openalex
from labscout.sources.openalex_api import ClientSettings, OpenAlexClient, WorksQuery, _retry_after, check_query
from labscout.sources.openalex_download import download_works, paths_for
from openalex_server import Fault, Replay, add_pages, forbidden, html_page, openalex_server, server_error, too_many

BEYER = WorksQuery(authors=("A5023888391",))


def throttled(after: int = 0) -> Fault:
    """A 429 with Retry-After: 2, striking after `after` answered requests."""
    fault = too_many("2")
    fault.after = after
    return fault


class FakeTime:
    """A clock that moves only when the client sleeps: retries and pacing cost no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture()
def server() -> Iterator[tuple[str, Replay]]:
    with openalex_server() as found:
        yield found


def client(base: str, fake: FakeTime, **settings: object) -> OpenAlexClient:
    values: dict[str, object] = {"base_url": base, "mailto": "team@example.org", "max_retries": 3, **settings}
    return OpenAlexClient(ClientSettings(**values), sleep=fake.sleep, clock=fake.clock)  # type: ignore[arg-type]


class TestPaging:
    def test_cursor_paging_reads_every_page_politely(self, server: tuple[str, Replay]) -> None:
        base, replay = server
        with client(base, FakeTime(), api_key="secret-key") as api:
            pages = list(api.works(BEYER))
        ids = [openalex.short_id(w["id"]) for p in pages for w in p.results]
        assert ids == ["W4385245566", "W4406123001", "W4406123002"]
        assert [s["cursor"] for s in replay.seen] == ["*", pages[0].next_cursor, pages[1].next_cursor]
        assert all(s["mailto"] == "team@example.org" and s["api_key"] == "secret-key" and s["per-page"] == "200"
                   for s in replay.seen)
        assert pages[0].count == 3 and "secret-key" not in pages[0].request

    def test_requests_are_spaced_by_the_clients_own_rate(self, server: tuple[str, Replay]) -> None:
        base, _ = server
        fake = FakeTime()
        with client(base, fake, requests_per_second=4) as api:
            list(api.works(BEYER))
        assert fake.slept == [0.25, 0.25]

    def test_filters_combine(self) -> None:
        query = WorksQuery(authors=("A1", "A2"), institutions=("05wx9n238", "I4210161460"), since="2025-01-01",
                           topic="distributed training")
        assert query.params() == {
            "filter": "authorships.author.id:A1|A2,authorships.institutions.ror:05wx9n238,"
                      "authorships.institutions.id:I4210161460,from_publication_date:2025-01-01",
            "search": "distributed training"}

    @pytest.mark.parametrize(("query", "field"), [(WorksQuery(), "query"), (WorksQuery(authors=("Lucas",)), "author"),
                                                  (WorksQuery(orcids=("12-34",)), "orcid"),
                                                  (WorksQuery(authors=("A1",), since="2025-13-01"), "since")])
    def test_a_query_openalex_would_refuse_is_invalid(self, query: WorksQuery, field: str) -> None:
        with pytest.raises(InvalidError) as caught, OpenAlexClient() as api:
            list(api.works(query))
        assert caught.value.field == field


class TestFaults:
    def test_a_429_waits_as_long_as_retry_after_says(self, server: tuple[str, Replay]) -> None:
        base, replay = server
        replay.faults.append(too_many("7"))
        fake = FakeTime()
        with client(base, fake, requests_per_second=1000) as api:
            pages = list(api.works(BEYER))
        assert len(pages) == 3 and 7.0 in fake.slept
        assert api.stats.rate_limited == 1 and api.stats.retries == 1

    def test_after_a_429_the_client_slows_its_own_pace(self, server: tuple[str, Replay]) -> None:
        base, replay = server
        replay.faults.append(throttled(after=1))  # the first page answers, the second draws a 429
        fake = FakeTime()
        with client(base, fake, requests_per_second=4) as api:
            assert len(list(api.works(BEYER))) == 3
        # 0.25 s between requests at 4/s; the 2 s Retry-After; then 0.5 s: the pace was halved.
        assert fake.slept == [0.25, 2.0, 0.5]
        assert (api.stats.rate_limited, api.stats.pace, api.stats.slowest_pace) == (1, 2.0, 2.0)
        assert [s["cursor"] for s in replay.seen][1:3] == [replay.seen[1]["cursor"]] * 2  # the same page again

    def test_repeated_429s_halve_the_pace_down_to_its_floor(self, server: tuple[str, Replay]) -> None:
        base, replay = server
        replay.faults.extend([throttled(), throttled(), throttled()])
        fake = FakeTime()
        with client(base, fake, requests_per_second=4, min_requests_per_second=1.5, max_retries=5) as api:
            assert len(list(api.works(BEYER))) == 3
        assert api.stats.rate_limited == 3 and api.stats.slowest_pace == 1.5
        assert fake.slept[-2:] == [round(1 / 1.5, 3)] * 2

    def test_the_pace_recovers_step_by_step_to_just_under_the_one_that_drew_the_429(
            self, server: tuple[str, Replay]) -> None:
        base, replay = server
        add_pages(replay, 60, 2)
        replay.faults.append(throttled(after=3))
        fake = FakeTime()
        with client(base, fake, requests_per_second=10, recover_after=5) as api:
            assert sum(len(p.results) for p in api.works(BEYER)) == 120
        gaps = [s for s in fake.slept if s != 2.0]  # the pacing waits, the Retry-After left out
        # 10/s, halved by the 429, then one step of 1/s every 5 answers up to 9/s (0.9 of the pace that drew
        # it), where it stays until 50 answers have passed without one: then it probes 10/s again.
        steps = [gaps[0]] + [b for a, b in itertools.pairwise(gaps) if b != a]
        assert steps == [0.1, 0.2, 0.167, 0.143, 0.125, 0.111, 0.1]
        assert gaps.count(0.111) == 50 - 4 * 5 and api.stats.pace == 10.0 and api.stats.slowest_pace == 5.0

    def test_a_retry_after_beyond_what_the_client_waits_is_an_error_saying_when(
            self, server: tuple[str, Replay]) -> None:
        base, replay = server
        replay.faults.append(too_many("86400"))
        fake = FakeTime()
        with pytest.raises(UnavailableError, match="asks to wait 86,400 s") as caught, client(base, fake) as api:
            list(api.works(BEYER))
        assert len(replay.seen) == 1 and 86400.0 not in fake.slept and "/works" in caught.value.request

    def test_a_500_is_retried_with_backoff(self, server: tuple[str, Replay]) -> None:
        base, replay = server
        replay.faults.extend([server_error(), server_error()])
        fake = FakeTime()
        with client(base, fake, requests_per_second=1000, backoff_seconds=2) as api:
            assert len(list(api.works(BEYER))) == 3
        waits = [s for s in fake.slept if s >= 0.5]
        assert len(waits) == 2 and 1.0 <= waits[0] <= 2.0 and 2.0 <= waits[1] <= 4.0

    def test_retries_run_out_with_an_error_naming_the_request(self, server: tuple[str, Replay]) -> None:
        base, replay = server
        replay.faults.extend([server_error()] * 4)
        with pytest.raises(UnavailableError, match="HTTP 500 after 4 tries") as caught, \
                client(base, FakeTime(), api_key="secret-key") as api:
            list(api.works(BEYER))
        assert "authorships.author.id" in caught.value.request and "secret-key" not in str(caught.value)

    def test_a_403_is_not_retried_and_says_why(self, server: tuple[str, Replay]) -> None:
        base, replay = server
        replay.faults.append(forbidden())
        with pytest.raises(UnavailableError, match=r"403.*Invalid or missing API key"), \
                client(base, FakeTime()) as api:
            list(api.works(BEYER))
        assert len(replay.seen) == 1

    def test_an_html_answer_is_named(self, server: tuple[str, Replay]) -> None:
        base, replay = server
        replay.faults.append(html_page())
        with pytest.raises(UnavailableError, match=r"not JSON.*text/html") as caught, client(base, FakeTime()) as api:
            list(api.works(BEYER))
        assert caught.value.request.startswith(f"GET {base}/works?")

    def test_no_server_at_all(self) -> None:
        with pytest.raises(UnavailableError, match="no answer after 2 tries"), \
                client("http://127.0.0.1:9", FakeTime(), max_retries=1) as api:
            list(api.works(BEYER))


class TestDownload:
    def test_a_download_is_a_file_ingest_reads(self, server: tuple[str, Replay], tmp_path: Path) -> None:
        base, _ = server
        with client(base, FakeTime()) as api:
            report = download_works(api, BEYER, tmp_path)
        assert report.file == tmp_path / "author-A5023888391.jsonl.gz"
        assert (report.works, report.pages, report.rejected, report.resumed) == (3, 3, 0, False)
        assert [r.source_id for r in openalex.iter_records(report.file)] == ["W4385245566", "W4406123001",
                                                                               "W4406123002"]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["author-A5023888391.jsonl.gz"]

    def test_an_interrupted_download_resumes_where_it_stopped(self, server: tuple[str, Replay],
                                                               tmp_path: Path) -> None:
        base, replay = server
        failing = server_error()
        failing.after = 1  # one page goes through, then the server fails for good
        replay.faults.extend([failing, server_error()])
        with client(base, FakeTime(), max_retries=1) as api, pytest.raises(UnavailableError):
            download_works(api, BEYER, tmp_path)
        final, part, state, _ = paths_for(tmp_path, BEYER.label())
        assert not final.exists() and part.exists() and state.exists()
        with client(base, FakeTime()) as api:
            seen = len(replay.seen)
            report = download_works(api, BEYER, tmp_path)
        assert report.resumed and report.works == 3
        assert replay.seen[seen]["cursor"] != "*"  # it went on from the saved cursor
        lines = gzip.decompress(final.read_bytes()).splitlines()
        assert len(lines) == len({orjson.loads(x)["id"] for x in lines}) == 3
        assert not part.exists() and not state.exists()

    def test_a_malformed_record_is_kept_apart_with_the_request(self, server: tuple[str, Replay],
                                                              tmp_path: Path) -> None:
        base, _ = server
        with client(base, FakeTime()) as api:
            report = download_works(api, WorksQuery(institutions=("05x2bcf33",)), tmp_path)
        assert (report.works, report.rejected) == (1, 1)
        (rejected,) = [orjson.loads(x) for x in paths_for(tmp_path, "institution-05x2bcf33")[3].read_bytes()
                       .splitlines()]
        assert rejected["field"] == "cited_by_count" and "authorships.institutions.ror" in rejected["request"]
        assert rejected["work"]["id"] == "https://openalex.org/W4390011111"


class TestDigitsThatAreNotAscii:
    # str.isdigit() is true for '²', which int() and float() refuse: such text is no id and no wait.
    @pytest.mark.parametrize("query", [WorksQuery(authors=("A5023²",)), WorksQuery(orcids=("0000-0002-18²5-0097",))])
    def test_an_id_with_such_digits_is_refused_by_field(self, query: WorksQuery) -> None:
        with pytest.raises(InvalidError) as refused:
            check_query(query)
        assert refused.value.field in ("author", "orcid")

    def test_a_retry_after_of_such_digits_is_no_wait(self) -> None:
        assert _retry_after(httpx.Response(429, headers={"retry-after": "²".encode()})) is None
        assert _retry_after(httpx.Response(429, headers={"retry-after": "7"})) == 7.0
