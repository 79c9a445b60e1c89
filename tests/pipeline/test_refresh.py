"""`sources openalex refresh`: the people that matter fetched from a loopback OpenAlex, rebuilt, alerted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from labscout.errors import InvalidError
from labscout.pipeline import alerts, candidates, db, refresh, watch
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.watch_models import RefreshState
from labscout.research import queries, watching
from labscout.research.build import build_store
from labscout.research.store import ResearchStore
from labscout.sources.openalex_api import ClientSettings, OpenAlexClient, WorksQuery
from labscout.talent import index
from openalex_server import Replay, openalex_server
from pipeline.conftest import Team

DATA = Path(__file__).parent.parent / "data"
NO_WAIT = {"requests_per_second": 1000.0, "backoff_seconds": 0.01}


@pytest.fixture()
def server() -> Iterator[tuple[str, Replay]]:
    with openalex_server() as found:
        yield found


def client(base: str) -> OpenAlexClient:
    return OpenAlexClient(ClientSettings(base_url=base, mailto="team@lab.example", **NO_WAIT))  # type: ignore[arg-type]


def test_a_candidate_without_openalex_ids_is_matched_by_name_and_organisation(server: tuple[str, Replay],
                                                                             tmp_path: Path) -> None:
    base, _ = server
    store_path = tmp_path / "research.duckdb"
    build_store([DATA / "paperlists"], store_path)
    with ResearchStore(store_path) as store, client(base) as api:
        (person,) = watching.person_ids(store, [queries.resolve_person(store, "Lucas Beyer")])
        assert refresh.openalex_ids(person) == ((), ())
        # Two OpenAlex clusters carry the name; only one was ever at an organisation of his (Google).
        assert refresh.match_authors(person, api.find_authors("Lucas Beyer")) == ["A5023888391"]


def test_refresh_fetches_rebuilds_and_alerts_then_asks_only_for_what_is_new(
        engine: Engine, team: Team, server: tuple[str, Replay], tmp_path: Path) -> None:
    base, replay = server
    store_path = tmp_path / "home" / "research.duckdb"
    build_store([DATA / "paperlists"], store_path)
    with db.session_scope(engine) as session, ResearchStore(store_path) as store:
        beyer = queries.resolve_person(store, "Lucas Beyer")
        candidates.create_candidate(session, team.recruiter, CandidateIn(
            name="Lucas Beyer", target_role="head of research", person_id=beyer, owner_email="rec@lab.example"))
    dest = tmp_path / "home" / "openalex"
    with client(base) as api:
        report = refresh.refresh_openalex(db.units_of(engine), store_path, api, dest)
    assert (report.people, report.queries, report.works) == (1, 1, 3)
    assert report.files == [dest / "author-A5023888391.jsonl.gz"]
    assert report.checked is not None and report.checked.alerts.by_kind == {"new_organisation": 1}
    with db.session_scope(engine) as session:
        (alert,) = alerts.inbox(session, team.recruiter)
        states = {s.subject: s for s in session.scalars(select(RefreshState))}
    assert alert.title == "Lucas Beyer: OpenAI (2025)"
    assert set(states) == {"openalex:A5023888391"}
    with ResearchStore(store_path) as store:
        (now,) = queries.people_called(store, "Lucas Beyer")
        assert now.latest_org == "OpenAI"
    # The next refresh asks for works since the last one (with a look-back) and by the ORCID now known too.
    since = (states["openalex:A5023888391"].refreshed_at - timedelta(days=refresh.OVERLAP_DAYS)).date().isoformat()
    empty = {"meta": {"count": 0, "next_cursor": None, "per_page": 200}, "results": []}
    replay.add("/works", {"filter": f"authorships.author.id:A5023888391,from_publication_date:{since}",
                          "cursor": "*"}, empty)
    replay.add("/works", {"filter": "authorships.author.orcid:0000-0002-1825-0097", "cursor": "*"}, empty)
    replay.seen.clear()
    with client(base) as api:
        again = refresh.refresh_openalex(db.units_of(engine), store_path, api, dest)
    asked = sorted(s["filter"] for s in replay.seen if s["path"] == "/works")
    assert asked == ["authorships.author.id:A5023888391,from_publication_date:" + since,
                     "authorships.author.orcid:0000-0002-1825-0097"]
    assert again.works == 0 and again.checked is not None and again.checked.alerts.alerts == 0


def test_an_institution_by_name_is_asked_for_by_its_ror_id(server: tuple[str, Replay], tmp_path: Path) -> None:
    base, replay = server
    store_path = tmp_path / "research.duckdb"
    build_store([DATA / "paperlists", DATA / "openalex" / "works.jsonl"], store_path)
    with ResearchStore(store_path) as store, client(base) as api:
        assert refresh.institution_ids(api, store, ["05wx9n238", "I13955877"]) == ("05wx9n238", "I13955877")
        # LabScout's own ROR table, then the ROR ids OpenAlex gave for an organisation of the store.
        assert refresh.institution_ids(api, store, ["openai"]) == ("05wx9n238",)
        assert refresh.institution_ids(api, store, ["Bar-Ilan University"]) == ("03kgsv495",)
        assert replay.seen == []  # nothing asked of OpenAlex
        with pytest.raises(InvalidError) as caught:
            list(api.works(WorksQuery(institutions=("anthropic",))))
        assert caught.value.field == "institution"


def test_whom_a_refresh_asks_for(engine: Engine, team: Team, tmp_path: Path) -> None:
    store_path = tmp_path / "research.duckdb"
    build_store([DATA / "paperlists"], store_path)
    with db.session_scope(engine) as session, ResearchStore(store_path) as store:
        zhai = queries.resolve_person(store, "Xiaohua Zhai")
        candidates.create_candidate(session, team.recruiter, CandidateIn(name="Xiaohua Zhai", target_role="researcher",
                                                                          person_id=zhai))
        watch.watch_person(session, team.viewer, store, "Xiaohua Zhai")  # the candidate's reason comes first
        watched = watch.watch_person(session, team.viewer, store, "Omer Goldman").person_id
        saved = watch.save_search(session, team.hr, store, index.open_index(store), name="vision",
                                  query="vision transformers")
        reasons = dict(refresh.people_to_refresh(session, store))
    assert reasons[zhai].startswith("candidate ") and reasons[watched] == "watched"
    assert saved.top and all(reasons[p] in {"top of 'vision'", "watched"} or reasons[p].startswith("candidate")
                             for p in saved.top)
    assert len(reasons) == len({zhai, watched, *saved.top})
