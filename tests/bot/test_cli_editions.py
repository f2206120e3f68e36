"""`vnpos ingest` and `vnpos docs list` with official editions."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from tests.conftest import MODEL_CACHE
from tests.editions import HARVEST_EN, STATEMENT_EN, STATEMENT_VI, write


def test_editions_are_listed_with_their_original_and_a_wrong_declaration_is_a_warning(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    write(corpus, "statement-vi", STATEMENT_VI)
    write(corpus, "statement-en", STATEMENT_EN)
    write(corpus, "harvest-en", HARVEST_EN, translation_of="harvest-vi")
    env = {
        "VNPOS_DATA_DIR": str(tmp_path / "data"),
        "VNPOS_MODEL_DIR": str(MODEL_CACHE),
        "VNPOS_CORPUS_DIR": str(corpus),
    }
    runner = CliRunner()

    ingested = runner.invoke(main, ["ingest", str(corpus)], env=env)
    assert ingested.exit_code == 0, ingested.output
    assert (
        "warning: harvest-en: translation_of names 'harvest-vi', which is not indexed; "
        "the editions are linked when it is ingested"
    ) in ingested.output
    assert "Traceback" not in ingested.output

    listed = runner.invoke(main, ["docs", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    rows = {line.split("\t")[0]: line.split("\t") for line in listed.output.splitlines()}
    assert rows["statement-en"][-1] == "edition of statement-vi"
    assert len(rows["statement-vi"]) == len(rows["harvest-en"]) == 5
