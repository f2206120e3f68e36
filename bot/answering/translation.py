"""Machine translation of quotes, when an operator configures it: off by default.

Two providers: a LibreTranslate-compatible HTTP API (the self-hosted MT server many
newsrooms run) and the configured LLM. Translations are cached per sentence and
language; a provider that fails or times out raises ``TranslationError``, and the answer
is then shown without translations.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Protocol

import httpx

from bot.answering.llm import ChatClient, LlmError
from bot.answering.localisation import language_name
from bot.answering.prompting import Prompt
from retrieval.errors import VnposError

if TYPE_CHECKING:
    from bot.settings import Settings


class TranslationError(VnposError):
    """The translator gave no usable translation (unreachable, timed out, malformed)."""


class Translator(Protocol):
    """Translates texts between languages (ISO 639-1 codes)."""

    name: str

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """Return the translations of ``texts``, in order.

        Raises:
            TranslationError: No translation could be obtained.
        """
        ...


class LibreTranslate:
    """A LibreTranslate-compatible server: ``POST {url}/translate``."""

    def __init__(self, url: str, *, timeout_s: float, api_key: str | None = None) -> None:
        self.name = f"libretranslate:{url}"
        self._url = url.rstrip("/") + "/translate"
        self._api_key = api_key
        self._client = httpx.Client(timeout=timeout_s)

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """Translate ``texts`` in one request (LibreTranslate takes a list as ``q``)."""
        body: dict[str, object] = {
            "q": list(texts),
            "source": source,
            "target": target,
            "format": "text",
        }
        if self._api_key:
            body["api_key"] = self._api_key
        try:
            response = self._client.post(self._url, json=body)
            response.raise_for_status()
            translated = response.json()["translatedText"]
        except httpx.TimeoutException:
            raise TranslationError(f"{self.name} timed out") from None
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise TranslationError(f"{self.name} failed: {type(exc).__name__}") from None
        if isinstance(translated, str):
            translated = [translated]
        if not isinstance(translated, list) or len(translated) != len(texts):
            raise TranslationError(f"{self.name} returned {len(translated)} texts for {len(texts)}")
        return [str(t) for t in translated]


@cache
def _template() -> str:
    path = resources.files("bot.answering") / "prompts" / "translate.txt"
    return path.read_text(encoding="utf-8")


class LlmTranslator:
    """The configured LLM, asked once per text with the rules of ``prompts/translate.txt``."""

    def __init__(self, client: ChatClient) -> None:
        self.name = f"llm:{client.name}"
        self._client = client

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """Translate each text with its own request."""
        system = _template().format(source=language_name(source), target=language_name(target))
        # The text is data: fenced, and any tag inside it cannot close the fence.
        prompts = [Prompt(system, f"<text>{t.replace('<', '‹')}</text>") for t in texts]
        try:
            return [self._client.complete(prompt).strip() for prompt in prompts]
        except LlmError as exc:
            raise TranslationError(f"{self.name} failed: {exc}") from None


class CachedTranslator:
    """Remembers the last ``size`` translations by (text, source, target)."""

    def __init__(self, translator: Translator, *, size: int = 5000) -> None:
        self.name = translator.name
        self._translator = translator
        self._size = size
        self._cache: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """Translate what is not cached yet, in one call to the provider."""
        keys = [(t, source, target) for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(k[0] for k in keys if k not in self._cache))
        if missing:
            fresh = self._translator.translate(missing, source=source, target=target)
            with self._lock:
                for text, translation in zip(missing, fresh, strict=True):
                    self._cache[(text, source, target)] = translation
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        with self._lock:
            return [self._cache.get(k, "") for k in keys]


def build_translator(settings: Settings, chat_client: ChatClient | None) -> Translator | None:
    """Return the translator ``settings`` configure (None when translation is off).

    Raises:
        TranslationError: The configuration names a provider without what it needs.
    """
    if settings.translate == "off":
        return None
    if settings.translate == "libretranslate":
        if not settings.translate_url:
            raise TranslationError("VNPOS_TRANSLATE=libretranslate needs VNPOS_TRANSLATE_URL")
        key = settings.translate_api_key.get_secret_value() if settings.translate_api_key else None
        provider: Translator = LibreTranslate(
            settings.translate_url, timeout_s=settings.translate_timeout_s, api_key=key
        )
    else:
        if chat_client is None:
            raise TranslationError(
                "VNPOS_TRANSLATE=llm needs VNPOS_LLM_PROVIDER and VNPOS_LLM_MODEL"
            )
        provider = LlmTranslator(chat_client)
    return CachedTranslator(provider)
