"""Concurrent stage moves on PostgreSQL: 8 writers move 10,000 candidates through the open stages.

Each candidate is given to two writers, so they collide on purpose: a writer reads a candidate (one transaction),
then moves it one stage on with the version it read (another transaction, the way a web form does); a collision
is a ConflictError and the writer re-reads and tries again. At the end every candidate must sit at the last open
stage with exactly one transition per stage, no stage skipped or repeated (no lost update), and every writer
must have finished (no deadlock left hanging). Prints throughput and the median and p95 latency of a move,
beside a single writer measured in the same run as the baseline.

    .venv/bin/python bench/pipeline.py                  # starts a throw-away PostgreSQL server
    .venv/bin/python bench/pipeline.py --url postgresql+psycopg://user@host/db --candidates 2000
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from labscout.errors import ConflictError
from labscout.pipeline import candidates, db, stages, users
from labscout.pipeline.models import Candidate, StageTransition, utcnow
from labscout.pipeline.roles import Role

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
OPEN_STAGES = ["identified", "contacted", "in conversation", "meeting", "offer"]


def engine_for(url: str) -> Engine:
    # A lock wait beyond 10 s is reported as an error instead of hanging: the run must end either way.
    return db.make_engine(url, pool_size=1, max_overflow=0,
                          connect_args={"options": "-c lock_timeout=10000 -c deadlock_timeout=200"})


def prepare(url: str, n: int, writers: int) -> None:
    engine = engine_for(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        users.create_user(session, email="exec@bench.example", name="Bench Exec", role=Role.EXECUTIVE,
                          password="benchmark-password")
        boss = users.actor_for_email(session, "exec@bench.example")
        for w in range(writers):
            users.create_user(session, email=f"writer{w}@bench.example", name=f"Writer {w}", role=Role.RECRUITER,
                              password="benchmark-password", actor=boss)
        assert [s.name for s in stages.list_stages(session) if s.outcome == "open"] == OPEN_STAGES
    now = utcnow()
    with engine.begin() as connection:
        for start in range(0, n, 2000):
            batch = range(start, min(n, start + 2000))
            connection.execute(insert(Candidate), [{
                "name": f"Candidate {i}", "target_role": "researcher", "priority": 3, "tags": [], "source": "import",
                "stage": "identified", "stage_changed_at": now, "created_at": now, "updated_at": now, "version": 1}
                for i in batch])
        connection.execute(text("INSERT INTO stage_transitions (candidate_id, from_stage, to_stage, at) "
                                "SELECT id, NULL, 'identified', created_at FROM candidates"))
    engine.dispose()


def writer(url: str, index: int, ids: list[int], results: Any, ready: Any, go: Any) -> None:
    engine = engine_for(url)
    with db.session_scope(engine) as session:
        actor = users.actor_for_email(session, f"writer{index}@bench.example")
    # Start-up (imports, connecting) is not part of the measurement: wait until every writer is ready.
    ready.put(index)
    go.wait()
    rng = random.Random(index)
    todo = list(ids)
    latencies: list[float] = []
    conflicts = errors = 0
    while todo:
        rng.shuffle(todo)
        left = []
        for cid in todo:
            with db.session_scope(engine) as session:
                row = session.get(Candidate, cid)
                assert row is not None
                stage, version = row.stage, row.version
            if stage == OPEN_STAGES[-1]:
                continue
            target = OPEN_STAGES[OPEN_STAGES.index(stage) + 1]
            started = time.perf_counter()
            try:
                with db.session_scope(engine) as session:
                    candidates.move_stage(session, actor, cid, target, expected_version=version)
                latencies.append(time.perf_counter() - started)
            except ConflictError:
                conflicts += 1
            except Exception as exc:  # a lock timeout or deadlock the database broke: count it, retry
                errors += 1
                print(f"writer {index}: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
            left.append(cid)
        todo = left
    engine.dispose()
    results.put({"writer": index, "moves": len(latencies), "latencies": latencies, "conflicts": conflicts,
                 "errors": errors})


def run(url: str, ids: list[int], writers: int, overlap: int, timeout: float) -> dict[str, Any]:
    """Give each candidate to `overlap` writers; start them all; wait at most `timeout` seconds."""
    shares: list[list[int]] = [[] for _ in range(writers)]
    for position, cid in enumerate(ids):
        for k in range(overlap):
            shares[(position + k) % writers].append(cid)
    ctx = mp.get_context("spawn")
    results: Any = ctx.Queue()
    ready: Any = ctx.Queue()
    go = ctx.Event()
    procs = [ctx.Process(target=writer, args=(url, w, shares[w], results, ready, go)) for w in range(writers)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=120)
    started = time.perf_counter()
    go.set()
    collected = []
    deadline = started + timeout
    while len(collected) < writers and time.perf_counter() < deadline:
        try:
            collected.append(results.get(timeout=1))
        except Exception:  # queue.Empty: keep waiting
            if not any(p.is_alive() for p in procs) and results.empty():
                break
    wall = time.perf_counter() - started
    hung = []
    for p in procs:
        p.join(timeout=15)
        if p.is_alive():
            hung.append(p.pid)
            p.kill()
    latencies = sorted(x for r in collected for x in r["latencies"])
    return {"writers": writers, "moves": len(latencies), "seconds": wall, "per_second": len(latencies) / wall,
            "median_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0,
            "conflicts": sum(r["conflicts"] for r in collected), "errors": sum(r["errors"] for r in collected),
            "finished": len(collected), "hung": hung}


def verify(url: str, ids: list[int]) -> list[str]:
    """Every candidate at the last open stage, one transition per stage in order, version = number of moves + 1."""
    problems: list[str] = []
    engine = engine_for(url)
    wanted = set(ids)
    with engine.connect() as connection:
        stage_of = {r.id: (r.stage, r.version) for r in connection.execute(
            select(Candidate.id, Candidate.stage, Candidate.version)) if r.id in wanted}
        chains: dict[int, list[tuple[str | None, str]]] = {}
        for r in connection.execute(select(StageTransition.candidate_id, StageTransition.from_stage,
                                           StageTransition.to_stage).order_by(StageTransition.id)):
            if r.candidate_id in wanted:
                chains.setdefault(r.candidate_id, []).append((r.from_stage, r.to_stage))
        moves = connection.execute(select(func.count()).select_from(StageTransition)
                                   .where(StageTransition.from_stage.is_not(None))).scalar_one()
    expected_chain = list(zip([None, *OPEN_STAGES[:-1]], OPEN_STAGES, strict=True))
    for cid in ids:
        stage, version = stage_of[cid]
        if stage != OPEN_STAGES[-1] or version != len(OPEN_STAGES):
            problems.append(f"candidate {cid}: stage {stage}, version {version}")
        if chains.get(cid) != expected_chain:
            problems.append(f"candidate {cid}: transitions {chains.get(cid)}")
    engine.dispose()
    if len(problems) > 10:
        problems = [*problems[:10], f"... and {len(problems) - 10} more"]
    if moves != (len(OPEN_STAGES) - 1) * len(ids):
        problems.append(f"{moves:,} moves recorded, expected {(len(OPEN_STAGES) - 1) * len(ids):,}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="A PostgreSQL URL (default: start a throw-away server).")
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--baseline", type=int, default=500, help="Candidates for the single-writer baseline.")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    server = None
    url = args.url
    if url is None:
        from pgserver import PgServer

        server = PgServer().start()
        url = server.url(server.create_database())
    try:
        n = args.candidates + args.baseline
        print(f"preparing {n:,} candidates on {url.split('@')[-1]} ...", flush=True)
        prepare(url, n, args.writers)
        ids = list(range(1, n + 1))
        base_ids, load_ids = ids[:args.baseline], ids[args.baseline:]
        base = run(url, base_ids, 1, 1, args.timeout)
        load = run(url, load_ids, args.writers, 2, args.timeout)
        problems = verify(url, ids)
    finally:
        if server is not None:
            server.stop()
    moves_each = len(OPEN_STAGES) - 1
    print(f"\n{'run':<34}{'moves':>8}{'seconds':>9}{'moves/s':>9}{'median ms':>11}{'p95 ms':>8}{'conflicts':>11}"
          f"{'errors':>8}")
    for name, r in ((f"baseline: 1 writer, {len(base_ids):,} cand.", base),
                    (f"load: {args.writers} writers, {len(load_ids):,} cand.", load)):
        print(f"{name:<34}{r['moves']:>8,}{r['seconds']:>9.1f}{r['per_second']:>9.0f}{r['median_ms']:>11.1f}"
              f"{r['p95_ms']:>8.1f}{r['conflicts']:>11,}{r['errors']:>8}")
    print(f"\nthroughput ratio load/baseline: {load['per_second'] / base['per_second']:.2f}x; "
          f"p95 ratio: {load['p95_ms'] / base['p95_ms']:.2f}x")
    expected = moves_each * len(load_ids)
    print(f"moves expected {expected:,}, made {load['moves']:,}; writers finished {load['finished']}/{args.writers}; "
          f"hung {load['hung'] or 'none'}")
    print("lost updates / broken chains: " + ("none" if not problems else "; ".join(problems)))
    if problems or load["hung"] or load["moves"] != expected:
        sys.exit(1)


if __name__ == "__main__":
    main()
