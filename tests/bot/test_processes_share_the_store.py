"""Several vnpos processes on one data dir, as operators run them: nothing is ever lost.

Real processes: ``vnpos serve`` answering searches every half second while ``vnpos
ingest`` runs beside it (twice, overlapping), embedded and against a real ``chroma
run``; two ingestions without a server; an ingestion killed midway. After each,
``vnpos check`` compares the registry with the collection.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import chromadb
import pytest

from bench.ingest_news import read_articles, write_articles
from tests.conftest import SHARED
from tests.processes import Prober, environment, run, served, start
from tests.servers import chroma_server

NEWS = SHARED / "bench-data" / "news-vi-baomoi-2017"


@dataclass(frozen=True)
class News:
    """Real news articles written as files in two folders."""

    first: Path
    second: Path
    ids: list[str]


def _news(root: Path, count: int) -> News:
    articles = read_articles(NEWS, count)
    assert len(articles) == count, f"{NEWS} holds fewer than {count} usable articles"
    first, second = root / "first", root / "second"
    for folder, part in ((first, articles[: count // 2]), (second, articles[count // 2 :])):
        folder.mkdir(parents=True)
        write_articles(part, folder)
    return News(first, second, [str(a["id"]) for a in articles])


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> News:
    return _news(tmp_path_factory.mktemp("news"), 100)


def _until_chunks_arrive(client: chromadb.ClientAPI, process: subprocess.Popen[str]) -> None:
    """Wait until the ingestion ``process`` has written chunks to Chroma (or ended)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        names = [c.name for c in client.list_collections()]
        if "vnpos" in names and client.get_collection("vnpos").count() > 0:
            return
        time.sleep(0.05)


def _listed(env: dict[str, str], cwd: Path) -> dict[str, int]:
    listing = run("docs", "list", env=env, cwd=cwd)
    assert listing.returncode == 0, listing.stderr
    return {line.split("\t")[0]: int(line.split("\t")[1]) for line in listing.stdout.splitlines()}


def _consistent(env: dict[str, str], cwd: Path) -> str:
    checked = run("check", env=env, cwd=cwd)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.rstrip().endswith("consistent")
    return checked.stdout


def _ingest_beside_the_server(env: dict[str, str], tmp_path: Path, news: News) -> None:
    with served(env, tmp_path, tmp_path / "serve.log") as url, Prober(url) as prober:
        first = start("ingest", str(news.first), env=env, cwd=tmp_path, log=tmp_path / "a.log")
        second = start("ingest", str(news.second), env=env, cwd=tmp_path, log=tmp_path / "b.log")
        assert first.wait(timeout=900) == 0, (tmp_path / "a.log").read_text()
        assert second.wait(timeout=900) == 0, (tmp_path / "b.log").read_text()
        assert "by the server at" in (tmp_path / "a.log").read_text()
        report = _consistent(env, tmp_path)
        listed = _listed(env, tmp_path)
    assert len(prober.statuses) >= 10 and set(prober.statuses) == {200}, prober.statuses
    assert all(listed.get(doc_id, 0) > 0 for doc_id in news.ids), report
    # The server is gone: the same check, done by the command itself.
    assert _consistent(env, tmp_path) == report


@pytest.mark.timeout(1800)
def test_ingesting_beside_a_running_server_loses_nothing_embedded(
    tmp_path: Path, seeded_data_dir: Path, news: News
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    env = environment(data_dir)
    _ingest_beside_the_server(env, tmp_path, news)
    assert len(_listed(env, tmp_path)) == 5 + len(news.ids)


@pytest.mark.server
@pytest.mark.timeout(1800)
def test_ingesting_beside_a_running_server_loses_nothing_with_a_chroma_server(
    tmp_path: Path, news: News
) -> None:
    with chroma_server(tmp_path / "chroma") as chroma_url:
        env = environment(tmp_path / "data", chroma_url=chroma_url)
        _ingest_beside_the_server(env, tmp_path, news)


@pytest.mark.timeout(1200)
def test_two_ingestions_without_a_server_take_turns(tmp_path: Path) -> None:
    small = _news(tmp_path / "news", 16)
    env = environment(tmp_path / "data")
    first = start("ingest", str(small.first), env=env, cwd=tmp_path, log=tmp_path / "a.log")
    time.sleep(1)
    second = start("ingest", str(small.second), env=env, cwd=tmp_path, log=tmp_path / "b.log")
    assert first.wait(timeout=600) == 0, (tmp_path / "a.log").read_text()
    assert second.wait(timeout=600) == 0, (tmp_path / "b.log").read_text()
    logs = (tmp_path / "a.log").read_text() + (tmp_path / "b.log").read_text()
    assert "waiting for pid" in logs
    _consistent(env, tmp_path)
    assert sorted(_listed(env, tmp_path)) == sorted(small.ids)


@pytest.mark.server
@pytest.mark.timeout(1200)
def test_an_ingestion_killed_midway_leaves_no_partial_document(tmp_path: Path) -> None:
    small = _news(tmp_path / "news", 40)
    with chroma_server(tmp_path / "chroma") as chroma_url:
        env = environment(tmp_path / "data", chroma_url=chroma_url)
        client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_url.rsplit(":", 1)[1]))
        doomed = start("ingest", str(small.first), env=env, cwd=tmp_path, log=tmp_path / "k.log")
        _until_chunks_arrive(client, doomed)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)
        checked = run("check", env=env, cwd=tmp_path)
        listed = _listed(env, tmp_path)
        # Whatever is listed is whole: no document lacks a chunk it registered.
        assert "missing 0 " in checked.stdout, checked.stdout
        assert all(chunks > 0 for chunks in listed.values())
        resumed = run("ingest", str(small.first), str(small.second), env=env, cwd=tmp_path)
        assert resumed.returncode == 0, resumed.stderr
        _consistent(env, tmp_path)
        assert sorted(_listed(env, tmp_path)) == sorted(small.ids)


@pytest.mark.server
@pytest.mark.timeout(1200)
def test_chroma_stopping_mid_ingestion_is_one_line_and_the_next_run_finishes(
    tmp_path: Path,
) -> None:
    small = _news(tmp_path / "news", 30)
    chroma_dir = tmp_path / "chroma"
    with chroma_server(chroma_dir) as chroma_url:
        env = environment(tmp_path / "data", chroma_url=chroma_url)
        client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_url.rsplit(":", 1)[1]))
        ingest = start("ingest", str(small.first), env=env, cwd=tmp_path, log=tmp_path / "i.log")
        _until_chunks_arrive(client, ingest)
    # The Chroma server is stopped now, while the ingestion is still running.
    assert ingest.wait(timeout=300) == 1
    output = (tmp_path / "i.log").read_text()
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Chroma server" in errors[0], output
    with chroma_server(chroma_dir, port=int(chroma_url.rsplit(":", 1)[1])):
        resumed = run("ingest", str(small.first), env=env, cwd=tmp_path)
        assert resumed.returncode == 0, resumed.stderr
        _consistent(env, tmp_path)
        assert sorted(_listed(env, tmp_path)) == sorted(small.ids[:15])
