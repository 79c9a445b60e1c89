"""Downloading paper lists, against a real HTTP server on loopback serving the fixture files."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from labscout.sources import download

DATA = Path(__file__).parent.parent / "data" / "paperlists"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    served = tmp_path / "served"
    served.mkdir()
    for path in DATA.rglob("*.json"):
        target = served / path.relative_to(DATA)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    (served / "iclr" / "iclr2022.json").write_text('[{"title": "cut')
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class TestDownload:
    def test_files_arrive_byte_for_byte(self, server: str, tmp_path: Path) -> None:
        results = download.download(["iclr/iclr2021.json", "cvpr/cvpr2022.json"], tmp_path / "out",
                                    base_url=server)
        assert [r.ok for r in results] == [True, True]
        for relative in ("iclr/iclr2021.json", "cvpr/cvpr2022.json"):
            assert (tmp_path / "out" / relative).read_bytes() == (DATA / relative).read_bytes()

    def test_missing_and_broken_files_are_reported_and_not_written(self, server: str, tmp_path: Path) -> None:
        results = download.download(["iclr/iclr2099.json", "iclr/iclr2022.json"], tmp_path / "out",
                                    base_url=server)
        assert [r.ok for r in results] == [False, False]
        assert "HTTP 404" in results[0].detail
        assert "not valid JSON" in results[1].detail
        assert not list((tmp_path / "out").rglob("*.json"))

    def test_unreachable_server(self, tmp_path: Path) -> None:
        results = download.download(["iclr/iclr2021.json"], tmp_path, base_url="http://127.0.0.1:9", timeout=2)
        assert not results[0].ok and "cannot reach" in results[0].detail


class TestManifest:
    def test_filters_by_venue_and_year(self) -> None:
        assert download.manifest_files(["colm"], since=2025) == ["colm/colm2025.json"]

    def test_unknown_venue(self) -> None:
        with pytest.raises(ValueError, match="unknown venue"):
            download.manifest_files(["nosuchconf"])
