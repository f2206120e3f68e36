"""The command line starts without the model stack: help and errors print at once."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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
