"""``vnpos ask`` and ``vnpos eval`` as a user runs them, on a copy of the seeded data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.conftest import MODEL_CACHE

QUESTIONS = [
    {
        "id": "a1",
        "lang": "en",
        "question": "Which Korean company does Vietnam's Department of "
        "Foreign Information cooperate with on the vmusic.vn site?",
        "answerable": True,
        "gold_docs": ["003_f689955a8045994b"],
        "must_mention_any": ["Naver"],
        "answers": ["Naver"],
    },
    {
        "id": "a2",
        "lang": "vi",
        "question": "Ai là Chủ tịch Liên hiệp Các tổ chức hữu nghị Việt "
        "Nam chủ trì hội nghị tọa đàm trực tuyến tháng 6/2022?",
        "answerable": True,
        "gold_docs": ["004_c9927d77c9ac4b2d"],
        "must_mention_any": ["Nguyễn Phương Nga"],
    },
    {
        "id": "u1",
        "lang": "en",
        "question": "What was Vietnam's GDP growth rate in 2023?",
        "answerable": False,
        "gold_docs": [],
        "must_mention_any": [],
    },
]


@pytest.fixture(scope="module")
def env(seeded_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("cli") / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    return {
        "VNPOS_DATA_DIR": str(data_dir),
        "VNPOS_MODEL_DIR": str(MODEL_CACHE),
        "VNPOS_LLM_PROVIDER": "none",
    }


def test_ask_prints_the_answer_with_its_sources(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["ask", str(QUESTIONS[0]["question"])], env=env)
    assert result.exit_code == 0, result.output
    assert "Naver" in result.output and "[1] Hợp tác xây dựng nền tảng" in result.output


def test_ask_prints_the_quotes_the_answer_only_names_under_their_sources(
    env: dict[str, str],
) -> None:
    question = "When did the Politburo issue Conclusion No. 57-KL/TW on foreign information?"
    body = json.loads(CliRunner().invoke(main, ["ask", "--json", question], env=env).stdout)
    named = body["citations"][1:]
    assert named and all(c["quote"] not in body["answer"] for c in named)

    printed = CliRunner().invoke(main, ["ask", question], env=env).output
    for citation in named:
        entry = printed.index(f"[{citation['n']}] {citation['title']}")
        assert printed.index(" ".join(citation["quote"].split())) > entry


def test_ask_json_is_the_api_response(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        main, ["ask", "--json", "Dân số Việt Nam năm 2024 là bao nhiêu người?"], env=env
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["answered"] is False and body["language"] == "vi" and body["citations"] == []
    assert body["answer"].startswith("Các nguồn chính thức hiện có không đề cập")


def test_ask_refuses_an_empty_question_with_a_clear_message(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["ask", ""], env=env)
    assert result.exit_code == 2 and "question" in result.output


def test_eval_reports_each_language_and_overall(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS) + "\n")
    table = CliRunner().invoke(main, ["eval", str(path)], env=env)
    assert table.exit_code == 0, table.output
    lines = {line.split()[0]: line.split() for line in table.stdout.splitlines() if line.strip()}
    # questions, gold cited, mentioned, answer found (where the file gives answers),
    # abstained, refused, median answer characters
    assert lines["en"][1:7] == ["2", "1/1", "1/1", "1/1", "1/1", "0/1"]
    assert lines["vi"][1:7] == ["1", "1/1", "1/1", "-", "0/0", "0/1"]
    assert lines["overall"][1:7] == ["3", "2/2", "2/2", "1/1", "1/1", "0/2"]
    assert 100 < float(lines["overall"][7]) < 3000

    report = json.loads(CliRunner().invoke(main, ["eval", "--json", str(path)], env=env).stdout)
    assert report["overall"]["abstention_accuracy"] == 1.0
    assert report["overall"]["refusal_rate"] == 0.0
    assert [q["id"] for q in report["questions"]] == ["a1", "a2", "u1"]
    assert report["overall"]["p95_ms"] >= report["overall"]["p50_ms"] > 0
    assert report["overall"]["answers_found"] == report["overall"]["with_answers"] == 1


def test_eval_names_the_line_that_is_not_an_evaluation_item(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(QUESTIONS[0]) + "\n{not json\n")
    result = CliRunner().invoke(main, ["eval", str(path)], env=env)
    assert result.exit_code == 1 and "broken.jsonl:2" in result.output


def test_eval_answers_with_the_settings_the_server_answers_with(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS) + "\n")
    strict = {**env, "VNPOS_ABSTAIN_MIN_MARGIN": "0.9"}
    report = json.loads(CliRunner().invoke(main, ["eval", "--json", str(path)], env=strict).stdout)
    assert report["overall"]["refusal_rate"] == 1.0
    asked = CliRunner().invoke(main, ["ask", "--json", QUESTIONS[0]["question"]], env=strict)
    assert json.loads(asked.stdout)["answered"] is False
