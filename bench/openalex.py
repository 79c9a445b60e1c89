"""OpenAlex figures: ingest cost of generated works, client throughput under a rate limit, linking share.

1. Ingest: the paper lists alone against the paper lists plus N generated OpenAlex works (same format as the
   API's, as JSON Lines gzip), medians of fresh-process builds run interleaved, and the ratio. The works are
   written by people of the real store (their spellings, real co-authors, their latest organisation as an
   OpenAlex institution with its ROR id when LabScout knows one, topics from their own papers), a tenth of them
   by strangers who share a common name with someone in the store, and a twentieth are papers the lists hold.
2. Linking: in that build, the share of generated authorships by people of the store that land on the right
   person (the one holding that person's paper-list mentions), the share of strangers wrongly joined to
   someone, and the same on the hand-made fixtures (tests/data/openalex/works.jsonl with its truth below).
3. Client: works per second fetched through the loopback replay server with its rate limit on (429 with
   Retry-After beyond it), with the client's own pace under, at twice and at three times that limit, against
   two floors measured in the same run: plain httpx GETs of the same pages with no limit, no pacing and no
   validation, and the ceiling the server's limit allows (requests a second x works a page).

    .venv/bin/python bench/openalex.py [--data ../shared/data/paperlists] [--works 100000] [--runs 3]
                                       [--pages 60] [--server-rate 5]
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ingest import measure

BUILD = """
import sys
from pathlib import Path
from labscout.research.build import build_store
build_store([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]))
"""
STRANGER_ORGS = [("I4210120109", "Institute of Remote Sensing (China)", None, "CN", "facility"),
                 ("I123411111", "Universidade Estadual de Example", None, "BR", "education"),
                 ("I98765431", "Nordic Polymer Laboratory", None, "NO", "company")]
STRANGER_WORDS = "soil hydrology polymer sediment catalysis grain wheat ceramic alloy coastal estuary".split()


def _work(wid: int, title: str, year: int, authors: list[dict[str, Any]], keywords: list[str],
          venue: tuple[str, str] | None) -> dict[str, Any]:
    source = {"id": f"https://openalex.org/{venue[0]}", "display_name": venue[1], "type": "conference"} if venue \
        else None
    return {
        "id": f"https://openalex.org/W{wid}", "doi": None, "title": title, "display_name": title,
        "publication_year": year, "publication_date": f"{year}-06-01", "type": "article",
        "primary_location": {"source": source, "is_oa": False}, "authorships": authors, "cited_by_count": wid % 50,
        "is_retracted": False, "keywords": [{"display_name": k, "score": 0.5} for k in keywords[:4]],
        "topics": [], "primary_topic": None, "abstract_inverted_index": {w: [i] for i, w in enumerate(title.split())},
        "updated_date": "2025-06-01T00:00:00",
    }


def _authorship(pos: int, author_id: str, name: str, inst: tuple[str, str, str | None, str | None, str] | None,
                orcid: str | None) -> dict[str, Any]:
    institutions = [] if inst is None else [{
        "id": f"https://openalex.org/{inst[0]}", "display_name": inst[1],
        "ror": f"https://ror.org/{inst[2]}" if inst[2] else None, "country_code": inst[3], "type": inst[4]}]
    return {"author_position": "first" if pos == 0 else "middle",
            "author": {"id": f"https://openalex.org/{author_id}", "display_name": name,
                       "orcid": f"https://orcid.org/{orcid}" if orcid else None},
            "institutions": institutions, "raw_author_name": name,
            "raw_affiliation_strings": [inst[1]] if inst else [], "affiliations": []}


def generate(store_path: Path, count: int, target: Path, seed: int = 20) -> dict[str, Any]:
    """`count` works of people of the store; returns the truth (work line -> author slot -> person or None)."""
    from labscout.identity.orgs import load_ror_ids
    from labscout.research.store import ResearchStore

    rng = random.Random(seed)
    ror_of = {org_id: ror for ror, org_id in load_ror_ids().items()}
    with ResearchStore(store_path) as s:
        people = s.rows("""SELECT p.person_id, p.name, p.latest_org_id, o.name AS org, o.country, o.kind
                           FROM people p LEFT JOIN organisations o ON o.org_id = p.latest_org_id
                           WHERE p.n_papers >= 3 ORDER BY p.person_id""")
        coauthors: dict[str, list[str]] = defaultdict(list)
        for r in s.rows("""SELECT a.person_id, c.person_id AS other FROM authorships a
                           JOIN authorships c ON c.paper_id = a.paper_id AND c.person_id <> a.person_id
                           JOIN papers p ON p.paper_id = a.paper_id WHERE p.n_authors <= 8"""):
            coauthors[r["person_id"]].append(r["other"])
        words: dict[str, list[str]] = defaultdict(list)
        for r in s.rows("""SELECT a.person_id, p.title FROM authorships a JOIN papers p USING (paper_id)
                           WHERE p.year >= 2019"""):
            if len(words[r["person_id"]]) < 12:
                words[r["person_id"]].extend(w for w in r["title"].split() if len(w) > 4)
        held = s.rows("SELECT title, year FROM papers WHERE year >= 2023 AND n_authors BETWEEN 2 AND 8 "
                      "ORDER BY paper_id")
        names = Counter(p["name"] for p in people)
    by_id = {p["person_id"]: p for p in people}
    common = [n for n, k in names.most_common(300) if k >= 3]
    cluster = {p["person_id"]: f"A{5100000000 + i}" for i, p in enumerate(people)}
    orcid = {pid: f"0000-0002-{i // 10000 % 10000:04d}-{i % 10000:04d}" for i, pid in enumerate(cluster)
             if i % 5 == 0}
    truth: dict[str, Any] = {"works": {}, "held": 0}
    with gzip.open(target, "wt", encoding="utf-8") as out:
        for n in range(count):
            wid = 4500000000 + n
            year = rng.choice((2024, 2025, 2025))
            if n % 10 == 9:  # a stranger sharing a common name: nobody the store holds
                name = rng.choice(common)
                slots = [_authorship(0, f"A{6100000000 + n}", name, rng.choice(STRANGER_ORGS), None)]
                slots.append(_authorship(1, f"A{6200000000 + n}", f"Stranger Coauthor{n % 997}",
                                         rng.choice(STRANGER_ORGS), None))
                title = " ".join(rng.sample(STRANGER_WORDS, 4)) + f" study {n}"
                out.write(orjson.dumps(_work(wid, title, year, slots, [], None)).decode() + "\n")
                truth["works"][str(n + 1)] = [None, None]
                continue
            lead = rng.choice(people)
            theirs = coauthors[lead["person_id"]]
            crew = [lead["person_id"], *rng.sample(theirs, min(len(theirs), rng.randint(1, 3)))]
            slots, who = [], []
            for k, pid in enumerate(dict.fromkeys(crew)):
                p = by_id.get(pid)
                if p is None:
                    continue
                inst = None
                if p["latest_org_id"] and rng.random() < 0.8:
                    inst = (f"I{abs(hash(p['latest_org_id'])) % 10**9}", p["org"], ror_of.get(p["latest_org_id"]),
                            p["country"], "education" if p["kind"] == "university" else "company")
                slots.append(_authorship(k, cluster[pid], p["name"], inst, orcid.get(pid)))
                who.append(pid)
            vocab = words[lead["person_id"]] or ["learning"]
            title = " ".join(rng.sample(vocab, min(len(vocab), 5))) + f" revisited {n}"
            if n % 20 == 0 and held:  # a paper the lists hold, again from OpenAlex
                paper = held[n // 20 % len(held)]
                title, year = paper["title"], paper["year"]
                truth["held"] += 1
            out.write(orjson.dumps(_work(wid, title, year, slots, vocab[:4], ("S4306420609", "Some Venue")))
                      .decode() + "\n")
            truth["works"][str(n + 1)] = who
    return truth


def linking(store_before: Path, store_after: Path, works_file: Path, truth: dict[str, Any]) -> dict[str, float]:
    """Share of generated authorships by people of the store that land on their person; strangers joined."""
    from labscout.research.store import ResearchStore

    with ResearchStore(store_before) as s:
        keys = {r["person_id"]: r["keys"] for r in s.rows(
            "SELECT person_id, list(paper_id || '#' || author_order) AS keys FROM authorships GROUP BY person_id")}
    with ResearchStore(store_after) as s:
        holder = {f"{r['paper_id']}#{r['author_order']}": r["person_id"] for r in s.rows(
            "SELECT paper_id, author_order, person_id FROM authorships WHERE paper_id NOT LIKE 'openalex-%'")}
        placed = {(r["source_id"], r["author_order"]): r["person_id"] for r in s.rows(
            "SELECT p.source_id, a.author_order, a.person_id FROM authorships a JOIN papers p USING (paper_id) "
            "WHERE p.paper_id LIKE 'openalex-%'")}
        sizes = {r["person_id"]: r["n"] for r in s.rows(
            "SELECT person_id, count(*) FILTER (WHERE paper_id NOT LIKE 'openalex-%') AS n FROM authorships "
            "GROUP BY person_id")}
    now_of = {}
    for pid, ks in keys.items():
        held = Counter(holder.get(k) for k in ks)
        now_of[pid] = held.most_common(1)[0][0]
    right = total = strangers = joined = 0
    for line, who in truth["works"].items():
        wid = f"W{4500000000 + int(line) - 1}"
        for slot, pid in enumerate(who):
            got = placed.get((wid, slot))
            if got is None:
                continue  # folded into a paper the lists hold
            if pid is None:
                strangers += 1
                joined += sizes.get(got, 0) > 0
            else:
                total += 1
                right += got == now_of.get(pid)
    return {"linked_right": right / max(total, 1), "authorships": total, "strangers_joined": joined / max(strangers, 1),
            "strangers": strangers}


# The fixtures' truth: who each authorship of tests/data/openalex/works.jsonl is, by the paper lists' names
# (None: nobody the paper lists hold).
FIXTURE_TRUTH = {
    "W4385245566": ["Michael Tschannen", "Lucas Beyer", "Xiaohua Zhai"],
    "W4406123001": ["Lucas Beyer", None, "Xiaohua Zhai"],
    "W4406123002": ["Xiaohua Zhai", "Lucas Beyer"],
    "W4390011111": [None, None],
    "W4399000077": ["Omer Goldman", "Reut Tsarfaty"],
    "W4406123003": ["Michael Tschannen", "Lucas Beyer"],
}


def fixture_linking(root: Path, tmp: Path) -> tuple[int, int, int]:
    """(right, of, strangers wrongly joined) over the fixture works, against the paper lists' people."""
    from labscout.research import queries
    from labscout.research.build import build_store
    from labscout.research.store import ResearchStore

    lists, works = root / "tests" / "data" / "paperlists", root / "tests" / "data" / "openalex" / "works.jsonl"
    build_store([lists], tmp / "fixture-before.duckdb")
    build_store([lists, works], tmp / "fixture-after.duckdb")
    with ResearchStore(tmp / "fixture-before.duckdb") as s:
        listed = {name: queries.resolve_person(s, name) for slots in FIXTURE_TRUTH.values() for name in slots if name}
    right = total = wrong = 0
    with ResearchStore(tmp / "fixture-after.duckdb") as s:
        for wid, slots in FIXTURE_TRUTH.items():
            rows = {r["author_order"]: r["person_id"] for r in s.rows(
                "SELECT a.author_order, a.person_id FROM authorships a JOIN paper_sources ps USING (paper_id) "
                "WHERE ps.source_id = ?", [wid])}
            for slot, name in enumerate(slots):
                got = rows.get(slot)
                if name is None:
                    wrong += got in set(listed.values())
                    continue
                total += 1
                right += got == listed[name]
    return right, total, wrong


def client_throughput(pages: int, server_rate: float, per_page: int = 200) -> list[tuple[str, float, int]]:
    """(setting, works per second, 429s answered) through the loopback replay server."""
    import httpx

    from labscout.sources.openalex import parse_work
    from labscout.sources.openalex_api import ClientSettings, OpenAlexClient, WorksQuery
    from openalex_server import add_pages, openalex_server

    results = []
    with openalex_server() as (base, replay):
        add_pages(replay, pages, per_page)
        replay.rate = None
        started = time.perf_counter()
        with httpx.Client(base_url=base) as raw:
            for k in range(pages):
                raw.get("/works", params={"filter": "authorships.author.id:A5023888391",
                                          "cursor": "*" if k == 0 else f"c{k}"}).json()
        results.append(("floor: plain httpx GETs, no limit, no pacing, no checks",
                        pages * per_page / (time.perf_counter() - started), 0))
        replay.rate = server_rate
        ceiling = server_rate * per_page
        results.append((f"ceiling: the server's limit ({server_rate:g} requests/s) x {per_page} works a page",
                        ceiling, 0))
        runs = ((f"client paced under the server's limit ({server_rate * 0.8:g}/s)", server_rate * 0.8, True),
                (f"client at its default pace (10/s) against a limit of {server_rate:g}/s", 10.0, True),
                (f"client asking 3x the server's limit ({server_rate * 3:g}/s)", server_rate * 3, True),
                (f"client asking 3x the server's limit ({server_rate * 3:g}/s), its own slow-down off",
                 server_rate * 3, False))
        for label, pace, adapts in runs:
            time.sleep(1.1)  # an empty window on the server's limiter
            # A floor at the pace itself turns the slow-down after a 429 off (the comparison row).
            settings = ClientSettings(base_url=base, requests_per_second=pace, max_retries=20,
                                      min_requests_per_second=0.5 if adapts else pace)
            with OpenAlexClient(settings) as api:
                started = time.perf_counter()
                fetched = 0
                for page in api.works(WorksQuery(authors=("A5023888391",))):
                    for n, work in enumerate(page.results):  # what a download checks per work
                        parse_work(work, file=page.request, line=n + 1)
                    fetched += len(page.results)
                took = time.perf_counter() - started
            results.append((f"{label}; pace at the end {api.stats.pace:.2g}/s, slowest {api.stats.slowest_pace:.2g}/s",
                            fetched / took, api.stats.rate_limited))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/paperlists"))
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=60)
    # Low enough that the client's own pace can exceed it on a loaded 2-core machine: the 429 path is measured.
    parser.add_argument("--server-rate", type=float, default=5.0)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        right, total, wrong = fixture_linking(root, tmp)
        print(f"fixtures: {right} of {total} OpenAlex authorships of listed people linked to the right person "
              f"({right / total:.0%}); strangers joined to a listed person: {wrong}")
        throughput = client_throughput(args.pages, args.server_rate)
        ceiling = throughput[1][1]
        for label, rate, limited in throughput:
            print(f"client: {rate:>9,.0f} works/s ({rate / ceiling:5.0%} of the ceiling)  429s {limited:>3}  {label}")
        if not args.data.is_dir():
            print(f"no paper lists at {args.data}: ingest figures skipped")
            return
        lists_store = tmp / "lists.duckdb"
        measure(BUILD, str(lists_store), str(args.data), runs=1)
        works = tmp / "openalex" / "generated.jsonl.gz"
        works.parent.mkdir()
        truth = generate(lists_store, args.works, works)
        alone, mixed = [], []
        for _ in range(args.runs):  # interleaved: both see the same machine load
            alone.append(measure(BUILD, str(tmp / "a.duckdb"), str(args.data), runs=1))
            mixed.append(measure(BUILD, str(tmp / "m.duckdb"), str(args.data), str(works.parent), runs=1))
        a, m = statistics.median(x[0] for x in alone), statistics.median(x[0] for x in mixed)
        ra, rm = statistics.median(x[1] for x in alone), statistics.median(x[1] for x in mixed)
        print(f"ingest: paper lists alone {a:.1f} s ({ra:.0f} MiB); with {args.works:,} generated OpenAlex works "
              f"{m:.1f} s ({rm:.0f} MiB): ratio {m / a:.2f} (medians of {args.runs} interleaved fresh-process runs; "
              f"{truth['held']:,} of the works are papers the lists hold)")
        found = linking(lists_store, tmp / "m.duckdb", works, truth)
        print(f"generated: {found['linked_right']:.1%} of {found['authorships']:,} authorships by people of the store "
              f"linked to the right person; {found['strangers_joined']:.1%} of {found['strangers']:,} strangers' "
              "authorships joined to someone the lists hold")


if __name__ == "__main__":
    main()
