"""Watches and alerts after each build: new organisation, rival co-author, oral or spotlight, a saved search's
new entrant, rising retention risk; one alert per fact and user; each user's inbox their own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from labscout.errors import ConflictError, ForbiddenError
from labscout.pipeline import alerts, candidates, db, privacy, refresh, watch
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.watch_models import Alert, WatchedPerson
from labscout.research import queries
from labscout.research.build import build_store
from labscout.research.store import ResearchStore
from labscout.talent import index, views
from pipeline.conftest import Team
from world import write_world

DATA = Path(__file__).parent.parent / "data"
PAPERLISTS = DATA / "paperlists"
WORKS = DATA / "openalex" / "works.jsonl"


def kinds(engine: Engine, actor: object, **kwargs: object) -> list[tuple[str, str]]:
    with db.session_scope(engine) as session:
        return [(a.kind, a.title) for a in alerts.inbox(session, actor, mark_seen=False, **kwargs)]  # type: ignore[arg-type]


def person(store_path: Path, name: str) -> str:
    with ResearchStore(store_path) as store:
        return queries.resolve_person(store, name)


class TestDoneWhen:
    def test_a_known_person_at_a_new_organisation_is_one_person_and_alerts_their_watcher(
            self, engine: Engine, team: Team, tmp_path: Path) -> None:
        store_path = tmp_path / "research.duckdb"
        build_store([PAPERLISTS], store_path)
        with db.session_scope(engine) as session, ResearchStore(store_path) as store:
            watch.watch_person(session, team.viewer, store, "Lucas Beyer", note="head of vision?")
        checked = refresh.rebuild_and_check(db.units_of(engine), store_path, [PAPERLISTS, WORKS])
        assert checked.alerts.by_kind.get("new_organisation") == 1
        with ResearchStore(store_path) as store:
            (beyer,) = queries.people_called(store, "Lucas Beyer")
            view = views.person_view(store, beyer.person_id)
        assert view.latest_org is not None and view.latest_org.name == "OpenAI"
        assert view.sources_of(2025, "openai") == ["openalex"]
        with db.session_scope(engine) as session:
            (alert,) = alerts.inbox(session, team.viewer)
            assert alerts.unread_alerts(session, team.viewer) == 0  # reading the page read it
        assert alert.kind == "new_organisation" and alert.title == "Lucas Beyer: OpenAI (2025)"
        assert alert.person_id == beyer.person_id and alert.evidence["sources"] == ["openalex"]
        assert "OpenAlex say(s) so" in (alert.detail or "")
        assert set(alert.evidence["papers"]) == {"openalex-W4406123001", "openalex-W4406123002",
                                                 "openalex-W4406123003"}
        assert kinds(engine, team.executive) == []  # nobody else watches him

    def test_the_same_fact_alerts_once_however_many_builds_see_it(self, engine: Engine, team: Team,
                                                                 tmp_path: Path) -> None:
        store_path = tmp_path / "research.duckdb"
        build_store([PAPERLISTS], store_path)
        with db.session_scope(engine) as session, ResearchStore(store_path) as store:
            watch.watch_person(session, team.recruiter, store, "Lucas Beyer")
        for _ in range(2):
            refresh.rebuild_and_check(db.units_of(engine), store_path, [PAPERLISTS, WORKS])
        assert [k for k, _ in kinds(engine, team.recruiter)] == ["new_organisation"]

    def test_a_watch_follows_its_person_and_starts_from_the_store_as_it_is(self, engine: Engine, team: Team,
                                                                          tmp_path: Path) -> None:
        store_path = tmp_path / "research.duckdb"
        build_store([PAPERLISTS, WORKS], store_path)
        with db.session_scope(engine) as session, ResearchStore(store_path) as store:
            made = watch.watch_person(session, team.hr, store, "Lucas Beyer")
            with pytest.raises(ConflictError):
                watch.watch_person(session, team.hr, store, made.person_id)
        refresh.rebuild_and_check(db.units_of(engine), store_path, [PAPERLISTS, WORKS])
        assert kinds(engine, team.hr) == []  # OpenAI was known when the watch began


class TestCandidatesAndRivals:
    def test_a_candidates_news_goes_to_the_owner_and_never_to_a_viewer(self, engine: Engine, team: Team,
                                                                     tmp_path: Path) -> None:
        store_path = tmp_path / "research.duckdb"
        build_store([PAPERLISTS], store_path)
        beyer = person(store_path, "Lucas Beyer")
        with db.session_scope(engine) as session:
            cid = candidates.create_candidate(session, team.recruiter, CandidateIn(
                name="Lucas Beyer", target_role="researcher", person_id=beyer, owner_email="rec@lab.example")).id
        refresh.rebuild_and_check(db.units_of(engine), store_path, [PAPERLISTS, WORKS])
        with db.session_scope(engine) as session:
            (alert,) = alerts.inbox(session, team.recruiter)
        assert alert.candidate_id == cid and alert.kind == "new_organisation"
        assert kinds(engine, team.viewer) == [] and kinds(engine, team.executive) == []
        with db.session_scope(engine) as session:
            privacy.erase_person(session, team.hr, cid, "asked to be forgotten")
        with db.session_scope(engine) as session:
            assert session.scalars(select(Alert).where(Alert.candidate_id == cid)).all() == []

    def test_a_new_coauthor_at_a_rival_alerts(self, engine: Engine, team: Team, tmp_path: Path) -> None:
        store_path = tmp_path / "research.duckdb"
        build_store([PAPERLISTS], store_path)
        with db.session_scope(engine) as session, ResearchStore(store_path) as store:
            watch.mark_organisation(session, team.recruiter, store, "OpenAI", "rival")
            watch.watch_person(session, team.recruiter, store, "Michael Tschannen")
            with pytest.raises(ForbiddenError):
                watch.mark_organisation(session, team.viewer, store, "Anthropic", "rival")
        refresh.rebuild_and_check(db.units_of(engine), store_path, [PAPERLISTS, WORKS])
        found = kinds(engine, team.recruiter)
        # Tschannen, at Google DeepMind, wrote with Lucas Beyer of OpenAI in 2025.
        assert [a for a in found if a[0] == "rival_coauthor"] == [
            ("rival_coauthor", "Michael Tschannen wrote with Lucas Beyer (OpenAI)")]


def _world(folder: Path, *, without: tuple[str, ...] = ()) -> Path:
    """The small world of tests/world.py, leaving out the papers titled in `without`."""
    src = write_world(folder)
    for path in (src / "iclr").glob("*.json"):
        rows = [r for r in json.loads(path.read_text()) if r["title"] not in without]
        path.write_text(json.dumps(rows))
    return src


def _add_paper(src: Path, year: int, title: str, authors: list[tuple[str, str, str]], status: str,
               keywords: str) -> None:
    path = src / "iclr" / f"iclr{year}.json"
    rows = json.loads(path.read_text()) if path.exists() else []
    rows.append({"id": f"extra{len(rows)}", "title": title, "track": "main", "status": status, "keywords": keywords,
                 "author": ";".join(a for a, _, _ in authors),
                 "authorids": ";".join("~" + a.replace(" ", "_") + "1" for a, _, _ in authors),
                 "aff": ";".join(o for _, o, _ in authors), "aff_domain": ";".join(d for _, _, d in authors)})
    path.write_text(json.dumps(rows))


class TestWorldAlerts:
    def test_a_new_oral_and_a_new_entrant_of_a_saved_search(self, engine: Engine, team: Team,
                                                           tmp_path: Path) -> None:
        src = _world(tmp_path / "src")
        store_path = tmp_path / "home" / "research.duckdb"
        build_store([src], store_path)
        with db.session_scope(engine) as session, ResearchStore(store_path) as store:
            watch.watch_person(session, team.viewer, store, "Cleo Stone")
            saved = watch.save_search(session, team.viewer, store, index.open_index(store), name="diffusion",
                                      query="diffusion")
        assert "Iris Novak" not in saved.top_names.values()
        _add_paper(src, 2023, "Consistency Diffusion Distillation", [("Cleo Stone", "Stanford University",
                   "stanford.edu"), ("Iris Novak", "Stanford University", "stanford.edu")], "Oral", "diffusion")
        refresh.rebuild_and_check(db.units_of(engine), store_path, [src])
        found = kinds(engine, team.viewer)
        assert ("highlight", "Cleo Stone: oral at ICLR 2023") in found
        assert any(k == "top_entrant" and "Iris Novak" in t and "'diffusion'" in t for k, t in found)
        assert not any(k == "top_entrant" and "Cleo Stone" in t for k, t in found)  # she was there before

    def test_a_rising_retention_risk_for_our_own_people(self, engine: Engine, team: Team, tmp_path: Path) -> None:
        src = _world(tmp_path / "src", without=("Reasoning With Reinforcement Learning",))
        store_path = tmp_path / "home" / "research.duckdb"
        build_store([src], store_path)
        with db.session_scope(engine) as session, ResearchStore(store_path) as store:
            watch.mark_organisation(session, team.executive, store, "google-research", "ours")
        shutil.rmtree(src)
        _world(tmp_path / "src")  # now Finn Cho writes at OpenAI in 2023: Hal Ng's closest co-author left
        refresh.rebuild_and_check(db.units_of(engine), store_path, [src])
        for user in (team.executive, team.recruiter):
            found = kinds(engine, user)
            assert ("retention_risk", "Hal Ng (Google Research): retention risk 100% (was 0%)") in found
        assert kinds(engine, team.viewer) == []


class TestOwnLists:
    def test_saved_searches_and_watches_are_each_users_own(self, engine: Engine, team: Team,
                                                          built_store: Path) -> None:
        with db.session_scope(engine) as session, ResearchStore(built_store) as store:
            watch.watch_person(session, team.viewer, store, "Lucas Beyer")
            watch.save_search(session, team.viewer, store, index.open_index(store), name="vision", query="vision")
            assert [w.name for w in watch.list_watched(session, team.viewer)] == ["Lucas Beyer"]
            assert watch.list_watched(session, team.hr) == []
            assert watch.list_saved_searches(session, team.hr) == []
            with pytest.raises(ConflictError):
                watch.save_search(session, team.viewer, store, index.open_index(store), name="vision",
                                  query="vision transformers")
            (mine,) = watch.list_saved_searches(session, team.viewer)
            with pytest.raises(Exception, match="no saved search"):
                watch.delete_saved_search(session, team.hr, mine.id)
            watch.delete_saved_search(session, team.viewer, mine.id)
            watch.unwatch_person(session, team.viewer, person_id=watch.list_watched(session, team.viewer)[0].person_id)
            assert session.scalars(select(WatchedPerson)).all() == []
