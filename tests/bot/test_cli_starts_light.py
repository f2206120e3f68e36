"""The command line starts without the model stack: help and errors print at once."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import MODEL_CACHE
from tests.processes import vnpos_command

HEAVY = ("torch", "sentence_transformers", "chromadb", "langchain_core", "telegram", "trafilatura")

PROBE = """
import json, os, sys
from click.testing import CliRunner
from bot.cli import main
result = CliRunner().invoke(main, sys.argv[1:], env=dict(os.environ))
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"code": result.exit_code, "output": result.output, "loaded": loaded}))
"""


def _run(*args: str, **env: str) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", **env},
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, object] = json.loads(completed.stdout.splitlines()[-1])
    result["heavy"] = [m for m in HEAVY if m in result["loaded"]]  # type: ignore[operator]
    return result


@pytest.mark.parametrize("args", [("--help",), ("ingest", "--help"), ("ask", "--help")])
def test_help_loads_none_of_the_heavy_libraries(args: tuple[str, ...]) -> None:
    result = _run(*args)
    assert result["code"] == 0 and "Usage:" in str(result["output"])
    assert result["heavy"] == []


def test_a_malformed_setting_is_reported_without_loading_the_model() -> None:
    result = _run("ask", "Who?", VNPOS_WIDGET_KEYS="not json")
    assert result["code"] == 2
    assert "VNPOS_WIDGET_KEYS" in str(result["output"])
    assert result["heavy"] == []


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("VNPOS_WIDGET_KEYS", "notjson", "VNPOS_WIDGET_KEYS must be a JSON object"),
        ("VNPOS_EMBEDDING_MODEL", "/nonexistent/model", "VNPOS_EMBEDDING_MODEL is '/nonexistent"),
    ],
)
def test_a_bad_setting_for_docs_list_is_one_line_with_the_fix(
    setting: str, value: str, named: str, tmp_path
) -> None:
    completed = _run_bare(["docs", "list"], VNPOS_DATA_DIR=str(tmp_path), **{setting: value})
    assert completed.returncode == 2, completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and named in lines[0]
    assert "Traceback" not in completed.stderr
    assert "'bundled'" in lines[0] or setting == "VNPOS_WIDGET_KEYS"


def test_an_llm_provider_that_does_not_exist_is_one_line_naming_those_that_do(tmp_path) -> None:
    completed = _run_bare(
        ["ask", "Who heads the Central Propaganda Commission?"],
        VNPOS_DATA_DIR=str(tmp_path),
        VNPOS_LLM_PROVIDER="openia",
        VNPOS_LLM_MODEL="gpt-4o-mini",
    )
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.strip().splitlines() == [
        "error: VNPOS_LLM_PROVIDER must be one of ollama, openai with VNPOS_LLM_MODEL set; "
        "got provider 'openia' and model 'gpt-4o-mini'"
    ]


def _run_bare(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Run vnpos with nothing in its environment but ``env`` (no .env, no network)."""
    return subprocess.run(
        [*vnpos_command(), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", **env},
    )


def test_listing_documents_does_not_load_the_model(seeded_data_dir, tmp_path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data_dir)
    result = _run("docs", "list", VNPOS_DATA_DIR=str(data_dir), VNPOS_MODEL_DIR=str(MODEL_CACHE))
    assert result["code"] == 0 and "seeds/000_7cf16ed7d5450c3a" in str(result["output"])
    loaded = result["loaded"]
    assert "torch" not in loaded and "sentence_transformers" not in loaded  # type: ignore[operator]
