"""The registry's database: SQLite files from before Alembic, Postgres, the advisory lock."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.advisory_lock import AdvisoryLock
from retrieval.database import open_database
from retrieval.errors import StoreBusy, StoreError
from retrieval.registry import Registry
from retrieval.types import Document, DocumentMeta
from tests.processes import environment, run
from tests.servers import free_port, fresh_database

# The registry as releases before Alembic made it: no origin or text_hash columns.
_OLD_SCHEMA = """
CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT NOT NULL,
    publisher TEXT, published TEXT, url TEXT, language TEXT NOT NULL,
    content_hash TEXT NOT NULL, full_text TEXT NOT NULL, text TEXT NOT NULL,
    chunk_ids TEXT NOT NULL, paragraphs INTEGER NOT NULL, ingested_at TEXT NOT NULL);
CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO documents VALUES ('old', 'old.txt', 'Thông cáo cũ', NULL, '2019-05-01', NULL,
    'vi', 'h1', 'Văn bản.', 'Văn bản.', '["old:0"]', 1, '2020-01-01T00:00:00+00:00');
INSERT INTO state VALUES ('generation', 7);
"""


def _document(doc_id: str) -> Document:
    meta = DocumentMeta(doc_id=doc_id, source=f"{doc_id}.txt", title=doc_id, language="vi")
    return Document(meta, "Việt Nam và Lào ký thỏa thuận.", f"hash-{doc_id}")


def test_a_registry_from_before_migrations_is_adopted_with_its_documents(tmp_path: Path) -> None:
    path = tmp_path / "vnpos.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(_OLD_SCHEMA)
    registry = Registry(path)
    try:
        assert registry.generation() == 7
        assert [d.meta.title for d in registry.documents()] == ["Thông cáo cũ"]
        registry.put(_document("new"), full_text="x", chunk_ids=["new:0"], fingerprints=["f"])
        assert registry.origin("new") is None and registry.generation() == 8
        assert registry.changes_since(7) == {"new"}
    finally:
        registry.close()
    # Opening again finds the schema at its head and changes nothing.
    Registry(path).close()


def test_a_registry_in_postgres_logs_changes_in_order(postgres_server: str, tmp_path: Path) -> None:
    url = fresh_database(postgres_server)
    first, second = (
        Registry(tmp_path / "a", database_url=url),
        Registry(tmp_path / "b", database_url=url),
    )
    try:
        first.put(_document("d1"), full_text="x", chunk_ids=["d1:0"], fingerprints=["p1"])
        second.put(_document("d2"), full_text="x", chunk_ids=["d2:0"], fingerprints=["p1"])
        assert first.generation() == second.generation() == 2
        assert second.changes_since(1) == {"d2"} and first.changes_since(0) == {"d1", "d2"}
        assert second.sharing({"p1"}, exclude="d2") == {"d1": (1, {"p1"})}
        assert second.delete("d1") and first.tombstones() == ["d1:0"]
        assert first.label.startswith("the database postgresql://vnpos@127.0.0.1:")
    finally:
        first.close()
        second.close()


def test_an_unreachable_postgres_is_one_line_naming_it_and_the_setting() -> None:
    url = f"postgresql://vnpos:s3cret@127.0.0.1:{free_port()}/vnpos"
    with pytest.raises(StoreError) as raised:
        open_database(url, "registry", name="registry", unreadable="")
    message = str(raised.value)
    assert message.startswith("cannot use the database postgresql://vnpos:***@127.0.0.1:")
    assert "(VNPOS_DATABASE_URL)" in message and "s3cret" not in message
    assert "\n" not in message and raised.value.dependency == "database"


_HOLD_THE_LOCK = """
import sys, time
from retrieval.advisory_lock import AdvisoryLock
from retrieval.database import open_database
database = open_database(sys.argv[1], "registry", name="registry", unreadable="")
AdvisoryLock(database).acquire()
print("held", flush=True)
time.sleep(600)
"""


def test_the_advisory_lock_names_its_holder_and_dies_with_it(postgres_server: str) -> None:
    url = fresh_database(postgres_server)
    database = open_database(url, "registry", name="registry", unreadable="")
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_THE_LOCK, url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        lock = AdvisoryLock(database)
        assert not lock.is_free()
        with pytest.raises(StoreBusy, match=f"in use by pid {holder.pid} on "):
            lock.acquire()
        waited: list[str] = []
        with pytest.raises(StoreBusy):
            lock.acquire(on_wait=waited.append, timeout=0.5)
        assert waited and f"pid {holder.pid}" in waited[0]
        holder.kill()
        holder.wait(timeout=10)
        # Postgres ends the dead holder's session, and its lock with it.
        deadline = time.monotonic() + 10
        while not lock.is_free() and time.monotonic() < deadline:
            time.sleep(0.1)
        with lock.hold():
            assert lock.held and lock.holder() is not None
        assert lock.is_free() and lock.holder() is None
    finally:
        holder.kill()
        database.close()


def test_vnpos_says_in_one_line_which_database_it_cannot_reach(tmp_path: Path) -> None:
    url = f"postgresql://vnpos:s3cret@127.0.0.1:{free_port()}/vnpos"
    result = run("docs", "list", env=environment(tmp_path / "data", database_url=url), cwd=tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot use the database postgresql://vnpos:***@127.0.0.1:")
    assert "VNPOS_DATABASE_URL" in line and "s3cret" not in result.stdout + result.stderr
    wrong = run(
        "docs", "list", env=environment(tmp_path / "data", database_url="mysql://x/y"), cwd=tmp_path
    )
    assert wrong.returncode == 2 and "VNPOS_DATABASE_URL" in wrong.stderr
