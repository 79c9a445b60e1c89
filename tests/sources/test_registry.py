"""Which adapter reads which file (by content), and which files a folder holds (an OpenAlex snapshot too)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import orjson
import pytest

from labscout.errors import BadInputError
from labscout.sources import openalex, paperlists, registry

DATA = Path(__file__).parent.parent / "data"
WORKS = DATA / "openalex" / "works.jsonl"


def write_snapshot(root: Path) -> Path:
    """A snapshot's works/ in the published layout: partitions by updated date, gzip parts, a manifest."""
    works = root / "openalex-snapshot" / "data" / "works"
    lines = WORKS.read_bytes().splitlines(keepends=True)
    entries = []
    for date, chunk in (("2025-03-01", lines[:3]), ("2025-06-01", lines[3:])):
        part = works / f"updated_date={date}" / "part_000.gz"
        part.parent.mkdir(parents=True)
        part.write_bytes(gzip.compress(b"".join(chunk)))
        entries.append({"url": f"s3://openalex/data/works/updated_date={date}/part_000.gz",
                        "meta": {"content_length": part.stat().st_size, "record_count": len(chunk)}})
    (works / "manifest").write_bytes(orjson.dumps({"entries": entries, "meta": {"record_count": len(lines)}}))
    authors = works.parent / "authors" / "updated_date=2025-06-01"
    authors.mkdir(parents=True)
    (authors / "part_000.gz").write_bytes(gzip.compress(b'{"id": "https://openalex.org/A1"}\n'))
    return works


class TestDetect:
    def test_paper_lists_and_openalex_works_by_content(self, tmp_path: Path) -> None:
        assert registry.detect(DATA / "paperlists" / "iclr" / "iclr2021.json") is paperlists
        assert registry.detect(WORKS) is openalex
        hidden = tmp_path / "download.json"  # an OpenAlex file, gzip, under a misleading name
        hidden.write_bytes(gzip.compress(WORKS.read_bytes()))
        assert registry.detect(hidden) is openalex

    def test_other_json_lines_are_named(self, tmp_path: Path) -> None:
        path = tmp_path / "authors.jsonl"
        path.write_bytes(b'{"id": "https://openalex.org/A5023888391", "display_name": "Lucas Beyer"}\n')
        with pytest.raises(BadInputError, match="not OpenAlex works"):
            registry.detect(path)

    def test_empty_json_lines_hold_no_works(self, tmp_path: Path) -> None:
        path = tmp_path / "nothing-new.jsonl.gz"
        path.write_bytes(gzip.compress(b""))
        assert registry.detect(path) is openalex and list(openalex.iter_records(path)) == []

    @pytest.mark.parametrize(("content", "message"), [(b"hello", "neither a paper list"),
                                                       (b"\x1f\x8b\x08\x00", "ends early")])
    def test_unreadable_files_are_named(self, tmp_path: Path, content: bytes, message: str) -> None:
        path = tmp_path / "x.jsonl"
        path.write_bytes(content)
        with pytest.raises(BadInputError, match=message) as caught:
            registry.detect(path)
        assert caught.value.file == str(path)


    def test_junk_named_json_is_left_to_the_paper_lists_reader(self, tmp_path: Path) -> None:
        path = tmp_path / "iclr2019.json"
        path.write_bytes(b"\xff\xfe not json")
        assert registry.detect(path) is paperlists


class TestDiscoverFiles:
    def test_a_snapshot_folder_gives_its_works_parts_only(self, tmp_path: Path) -> None:
        works = write_snapshot(tmp_path)
        found = registry.discover_files([works.parent])
        assert [p.relative_to(works.parent).as_posix() for p in found] == [
            "works/updated_date=2025-03-01/part_000.gz", "works/updated_date=2025-06-01/part_000.gz"]

    def test_partial_downloads_are_not_sources(self, tmp_path: Path) -> None:
        shutil.copy(WORKS, tmp_path / "fetched.jsonl.gz")
        (tmp_path / "next.jsonl.part").write_bytes(b"{}")
        (tmp_path / ".next.jsonl.gz.tmp").write_bytes(b"{}")
        assert [p.name for p in registry.discover_files([tmp_path])] == ["fetched.jsonl.gz"]

    def test_a_part_missing_or_cut_short_is_named_before_reading(self, tmp_path: Path) -> None:
        works = write_snapshot(tmp_path)
        part = works / "updated_date=2025-06-01" / "part_000.gz"
        part.write_bytes(part.read_bytes()[:-10])
        with pytest.raises(BadInputError, match="download incomplete") as caught:
            registry.discover_files([works])
        assert caught.value.file == str(part)
        part.unlink()
        with pytest.raises(BadInputError, match="missing"):
            registry.discover_files([works])
