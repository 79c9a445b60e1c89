"""A build is a function of its sources: the same files give the same store under any hash seed or file order."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from labscout.research.build import build_store
from labscout.research.digest import table_digests
from labscout.sources.registry import discover_files

BUILD = """
import sys
from pathlib import Path
from labscout.research.build import build_store
build_store([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]))
"""

# Few names, few labs, few co-authors: many pairs of groups score exactly alike, so a build that broke ties
# by the order a set happened to yield them would give other people under another hash seed.
_GIVEN = ["Wei", "Yang", "Jun", "Li", "Hao", "Xin"]
_SURNAMES = ["Wang", "Liu", "Zhang", "Chen"]
_LABS = [("Tsinghua University", "tsinghua.edu.cn"), ("Peking University", "pku.edu.cn"),
         ("Google Research", "google.com"), ("", "")]
_WORDS = ["graph", "neural", "kernels", "robust", "vision", "language", "policy", "diffusion"]


def _corpus(root: Path) -> list[Path]:
    rng = random.Random(7)
    folders = []
    for venue, years in (("iclr", (2021, 2022)), ("nips", (2021, 2023)), ("acl", (2022,))):
        folder = root / venue
        folder.mkdir(parents=True)
        folders.append(folder)
        for year in years:
            rows = []
            for k in range(60):
                n = rng.randint(2, 4)
                names = [f"{rng.choice(_GIVEN)} {rng.choice(_SURNAMES)}" for _ in range(n)]
                labs = [rng.choice(_LABS) for _ in range(n)]
                row = {"id": f"{venue}{year}-{k}", "title": " ".join(rng.sample(_WORDS, 3)), "status": "Poster",
                       "author": ";".join(names), "aff": ";".join(a for a, _ in labs),
                       "aff_domain": ";".join(d for _, d in labs)}
                if venue == "iclr" and k % 3 == 0:
                    row["authorids"] = ";".join(f"~{x.replace(' ', '_')}{rng.randint(1, 2)}" for x in names)
                rows.append(row)
            (folder / f"{venue}{year}.json").write_bytes(orjson.dumps(rows))
    return folders


def _build(dest: Path, paths: list[Path], seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-c", BUILD, str(dest), *map(str, paths)], env=env, check=True)
    return table_digests(dest)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return _corpus(tmp_path_factory.mktemp("ties"))


def test_files_are_read_in_one_order_whatever_order_they_are_given_in(corpus: list[Path]) -> None:
    files = discover_files(corpus)
    assert discover_files(list(reversed(corpus))) == files
    assert discover_files(list(reversed(files))) == files


def test_hash_seeds_and_file_orders_give_byte_identical_tables(corpus: list[Path], tmp_path: Path) -> None:
    first = _build(tmp_path / "a.duckdb", corpus, "0")
    assert _build(tmp_path / "b.duckdb", list(reversed(corpus)), "1") == first
    files = discover_files(corpus)
    assert _build(tmp_path / "c.duckdb", list(reversed(files)), "4242") == first


def test_a_rebuild_over_the_previous_store_changes_nothing(corpus: list[Path], tmp_path: Path) -> None:
    dest = tmp_path / "s.duckdb"
    build_store(corpus, dest)
    before = table_digests(dest)
    build_store(list(reversed(corpus)), dest)
    assert table_digests(dest) == before
