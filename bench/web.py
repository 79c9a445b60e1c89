"""Web speed: dashboard and search server time on the full store with 10k candidates, and 50 users at once.

A temporary LABSCOUT_HOME gets a copy of the research store and a pipeline holding 10,000 candidates (spread
over the stages, each with its timeline); `labscout serve` runs in its own process on loopback. Server time is
read from the Server-Timing header the app sets; the load run has 50 users sign in and click through pages
at once, and reports errors, throughput and latency.

    .venv/bin/python bench/web.py [--home .labscout] [--candidates 10000] [--users 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from labscout.config import Settings
from labscout.pipeline import candidates, db, stages, users
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.roles import Role
from labscout.research.store import ResearchStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from loopback import serve_command

PASSWORD = "bench password 1"
QUERIES = ["diffusion models", "graph neural networks", "reinforcement learning from human feedback",
           "federated learning", "neural radiance fields", "speech recognition", "causal inference",
           "vision transformers", "question answering", "optimal transport"]


def seed(home: Path, store: Path, count: int, users_n: int) -> None:
    shutil.copyfile(store, home / "research.duckdb")
    settings = Settings(home=home)
    engine = db.make_engine(settings.pipeline_url)
    db.upgrade(engine)
    with ResearchStore(home / "research.duckdb") as research:
        people = research.rows(f"SELECT person_id, name FROM people ORDER BY n_papers DESC LIMIT {count}")
    with db.session_scope(engine) as session:
        boss = None
        for n in range(users_n):
            users.create_user(session, email=f"user{n}@bench.example", name=f"User {n}",
                              role=Role.EXECUTIVE if n == 0 else Role.RECRUITER, password=PASSWORD, actor=boss)
            boss = boss or users.actor_for_email(session, "user0@bench.example")
        names = [s.name for s in stages.list_stages(session)][:5]
        rng = random.Random(3)
        assert boss is not None
        for person in people:
            made = candidates.create_candidate(session, boss, CandidateIn(
                name=person["name"], target_role=rng.choice(["researcher", "engineer"]), person_id=person["person_id"]))
            target = rng.choice(names)
            if target != made.stage:
                candidates.move_stage(session, boss, made.id, target)
    engine.dispose()


def server_ms(response: httpx.Response) -> float:
    return float(response.headers["server-timing"].split("dur=")[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def user_session(base: str, n: int, latencies: list[float], errors: list[str]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        r = await client.post("/login", data={"email": f"user{n}@bench.example", "password": PASSWORD})
        if r.status_code >= 400:
            errors.append(f"login {r.status_code}")
            return
        for path in ("/", f"/search?q={QUERIES[n % len(QUERIES)].replace(' ', '+')}", "/board", "/offers",
                     "/flows", "/candidates/1", "/"):
            t = time.perf_counter()
            r = await client.get(path)
            latencies.append(time.perf_counter() - t)
            if r.status_code >= 400:
                errors.append(f"{path} {r.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("LABSCOUT_HOME", ".labscout")))
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=40, help="timed requests per page")
    args = parser.parse_args()
    store = args.home / "research.duckdb"
    if not store.exists():
        raise SystemExit(f"no research store at {store}; run `labscout ingest` or pass --home")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        started = time.perf_counter()
        seed(home, store, args.candidates, args.users)
        print(f"pipeline seeded with {args.candidates:,} candidates in {time.perf_counter() - started:.0f} s")
        with serve_command(home) as base:
            with httpx.Client(base_url=base, timeout=60) as client:
                client.post("/login", data={"email": "user0@bench.example", "password": PASSWORD})
                client.get("/search?q=warm+up")
                for label, paths in (("dashboard", ["/"]),
                                     ("search", [f"/search?q={q.replace(' ', '+')}" for q in QUERIES])):
                    times = [server_ms(client.get(paths[n % len(paths)])) for n in range(args.rounds)]
                    print(f"{label:<10} server time over {args.rounds} requests: p50 {statistics.median(times):.0f} ms,"
                          f" p95 {percentile(times, 0.95):.0f} ms")
            latencies: list[float] = []
            errors: list[str] = []
            t = time.perf_counter()

            async def everyone() -> None:
                await asyncio.gather(*(user_session(base, n, latencies, errors) for n in range(args.users)))

            asyncio.run(everyone())
            wall = time.perf_counter() - t
            p50, p95 = statistics.median(latencies) * 1000, percentile(latencies, 0.95) * 1000
            print(f"{args.users} users at once: {len(latencies)} page views in {wall:.1f} s "
                  f"({len(latencies) / wall:.1f}/s), {len(errors)} errors, p50 {p50:.0f} ms, p95 {p95:.0f} ms "
                  "(client side, one server process)")
            if errors:
                print("errors:", errors[:10])


if __name__ == "__main__":
    main()
