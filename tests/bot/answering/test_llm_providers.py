"""LLM providers are a registry: a new one is a decorated function, chosen by settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.answering import llm
from bot.answering.llm import LlmError, build_chat_client, llm_provider
from bot.answering.prompting import Prompt
from bot.settings import Settings


def settings(provider: str, model: str | None = "m") -> Settings:
    return Settings(llm_provider=provider, llm_model=model, _env_file=None)  # type: ignore[call-arg]


def test_a_registered_provider_is_built_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm, "LLM_PROVIDERS", dict(llm.LLM_PROVIDERS))
    built: list[str | None] = []

    @llm_provider("canned")
    def canned(chosen: Settings) -> BaseChatModel:
        built.append(chosen.llm_model)
        return FakeListChatModel(responses=["Xin chào."])

    client = build_chat_client(settings("canned", "model-7"))
    assert built == ["model-7"] and client.name == "canned:model-7"
    assert client.complete(Prompt(system="Be brief.", user="Hello?")) == "Xin chào."


def test_the_shipped_providers_are_registered() -> None:
    assert {"openai", "ollama"} <= set(llm.LLM_PROVIDERS)
    assert build_chat_client(settings("ollama")).name == "ollama:m"


@pytest.mark.parametrize(("provider", "model"), [("nope", "m"), ("openai", None), ("none", "m")])
def test_an_unknown_provider_or_a_missing_model_names_the_known_ones(
    provider: str, model: str | None
) -> None:
    with pytest.raises(LlmError, match="must be one of ollama, openai with VNPOS_LLM_MODEL set"):
        build_chat_client(settings(provider, model))


def test_an_installed_plugin_is_found_by_its_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(llm, "LLM_PROVIDERS", dict(llm.LLM_PROVIDERS))
    (tmp_path / "vnpos_planted.py").write_text(
        "from langchain_core.language_models.fake_chat_models import FakeListChatModel\n"
        "from bot.answering.llm import llm_provider\n\n"
        "@llm_provider('planted')\n"
        "def planted(settings):\n"
        "    return FakeListChatModel(responses=['from the plugin'])\n"
    )
    info = tmp_path / "vnpos_planted-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: vnpos-planted\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[vnpos.llm]\nplanted = vnpos_planted\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    client = build_chat_client(settings("planted"))
    assert client.complete(Prompt(system="s", user="u")) == "from the plugin"
