"""`vnpos check`, `docs repair`, `reindex`, and what happens when the registry is lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import chromadb
import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.conftest import CORPUS, MODEL_CACHE
from tests.servers import chroma_server


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "VNPOS_DATA_DIR": str(data_dir),
        "VNPOS_MODEL_DIR": str(MODEL_CACHE),
        "VNPOS_CORPUS_DIR": str(CORPUS),
        **extra,
    }


def _vnpos(*args: str, env: dict[str, str]):
    return CliRunner().invoke(main, list(args), env=env)


def _chunks(url: str) -> int:
    client = chromadb.HttpClient(host="127.0.0.1", port=int(url.rsplit(":", 1)[1]))
    return client.get_collection("vnpos").count()


@pytest.mark.server
def test_a_fresh_data_dir_beside_a_full_chroma_server_deletes_nothing(tmp_path: Path) -> None:
    with chroma_server(tmp_path / "chroma") as url:
        first = _env(tmp_path / "instance", VNPOS_CHROMA_URL=url)
        assert _vnpos("ingest", str(CORPUS), env=first).exit_code == 0
        stored = _chunks(url)

        fresh = _env(tmp_path / "fresh", VNPOS_CHROMA_URL=url)
        listing = _vnpos("docs", "list", env=fresh)
        assert listing.exit_code == 1
        assert "lists no documents" in listing.output and "nothing was deleted" in listing.output
        assert "vnpos docs repair" in listing.output and "Traceback" not in listing.output
        assert _chunks(url) == stored

        checked = _vnpos("check", env=fresh)
        assert checked.exit_code == 1 and "INCONSISTENT" in checked.output
        rebuilt = _vnpos("reindex", env=fresh)
        assert rebuilt.exit_code == 0, rebuilt.output
        assert "re-indexed 5 documents" in rebuilt.output
        assert _vnpos("check", env=fresh).output.rstrip().endswith("consistent")
        listed = _vnpos("docs", "list", env=fresh).output.splitlines()
        assert len(listed) == 5 and all(int(line.split("\t")[1]) > 0 for line in listed)
        # The first instance lost nothing either.
        assert _vnpos("check", env=first).exit_code == 0


def test_an_emptied_registry_file_leaves_embedded_chroma_alone(
    tmp_path: Path, seeded_data_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    env = _env(data_dir)
    (data_dir / "vnpos.sqlite3").write_bytes(b"")
    for sidecar in ("vnpos.sqlite3-wal", "vnpos.sqlite3-shm"):
        (data_dir / sidecar).unlink(missing_ok=True)
    listing = _vnpos("docs", "list", env=env)
    assert listing.exit_code == 1 and "lists no documents" in listing.output
    repaired = _vnpos("docs", "repair", env=env)
    assert repaired.exit_code == 0 and "adopted 5 documents" in repaired.output
    assert _vnpos("check", env=env).exit_code == 0
    answer = _vnpos("ask", "Which Korean company works with Vietnam on vmusic.vn?", env=env)
    assert answer.exit_code == 0 and "Naver" in answer.output


def test_a_corrupt_registry_is_one_clear_line(tmp_path: Path, seeded_data_dir: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    (data_dir / "vnpos.sqlite3").write_bytes(b"this is not a database " * 100)
    for sidecar in ("vnpos.sqlite3-wal", "vnpos.sqlite3-shm"):
        (data_dir / sidecar).unlink(missing_ok=True)
    result = _vnpos("docs", "list", env=_env(data_dir))
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("error: the registry") and "cannot be read" in line


@pytest.mark.server
def test_an_unreachable_chroma_server_is_one_line_naming_it(tmp_path: Path) -> None:
    with chroma_server(tmp_path / "chroma") as url:
        env = _env(tmp_path / "data", VNPOS_CHROMA_URL=url)
        assert (
            _vnpos("ingest", str(CORPUS / "seeds" / "003_f689955a8045994b.txt"), env=env).exit_code
            == 0
        )
    result = _vnpos("ingest", str(CORPUS), env=env)
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("error: ") and f"the Chroma server at {url}" in line
    assert "Traceback" not in result.output
