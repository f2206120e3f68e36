"""`vnpos ingest` of glossary files: terms counted, malformed rows named, answers glossed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from tests.conftest import CORPUS, MODEL_CACHE


def _vnpos(*args: str, data_dir: Path):
    env = {
        "VNPOS_DATA_DIR": str(data_dir),
        "VNPOS_MODEL_DIR": str(MODEL_CACHE),
        "VNPOS_CORPUS_DIR": str(CORPUS),
        "VNPOS_LLM_PROVIDER": "none",
    }
    return CliRunner().invoke(main, list(args), env=env)


def test_a_malformed_row_is_a_warning_and_the_rest_answers_glossed(tmp_path: Path) -> None:
    glossary = tmp_path / "extra.glossary.csv"
    glossary.write_text(
        "term,en,source\n"
        "thông tin đối ngoại,information for abroad,house style guide\n"
        'Liên hiệp Hữu nghị,"unclosed\n',
        encoding="utf-8",
    )
    data_dir = tmp_path / "data"
    ingested = _vnpos("ingest", str(CORPUS / "seeds"), str(glossary), data_dir=data_dir)
    assert ingested.exit_code == 0, ingested.output
    assert f"warning: {glossary} row 3: expected 3 columns, got 2; the row was skipped" in (
        ingested.stderr
    )
    assert "1 glossary terms" in ingested.stdout

    question = "Who heads the Central Propaganda Commission?"
    asked = _vnpos("ask", "--json", question, data_dir=data_dir)
    assert asked.exit_code == 0, asked.output
    response = json.loads(asked.stdout)
    glosses = [g for c in response["citations"] for g in c["glossary"]]
    assert response["answered"] and glosses
    assert {
        "term": "thông tin đối ngoại",
        "translation": "information for abroad",
        "language": "en",
        "source": "house style guide",
    } in glosses
