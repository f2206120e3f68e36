"""The one Settings object, read from VNPOS_* environment variables and .env."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from retrieval.config import KnowledgeBaseConfig
from retrieval.database import normalise_url, sqlite_url


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class WidgetKey(BaseModel):
    """One widget key: the sites that may embed it and what the widget says on opening.

    ``greeting`` and ``examples`` are one text (or list) for every language, or a mapping
    from language code to it; languages not given get the catalogue's own.
    """

    origins: list[str]
    greeting: str | dict[str, str] | None = None
    examples: list[str] | dict[str, list[str]] | None = None


class Settings(BaseSettings):
    """Everything configurable, with the defaults of DESIGN.md."""

    model_config = SettingsConfigDict(
        env_prefix="VNPOS_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    data_dir: Path = Path("./data")
    corpus_dir: Path = Path("./corpus")
    chroma_url: str | None = None
    # Postgres for the registry and the app store, shared by every replica; unset: SQLite
    # files in the data dir.
    database_url: SecretStr | None = None
    # Redis for rate limits shared by every replica; unset: limits are per process.
    redis_url: str | None = None
    # What `vnpos serve` runs: "all" (API, widget and, with a token, the Telegram bot),
    # "web" (API and widget only: replicas that scale freely) or "bot" (the bot only,
    # with its webhook route and /healthz: one per token).
    role: Literal["all", "web", "bot"] = "all"
    collection: str = "vnpos"
    embedding_model: str = "bundled"
    # How the bundled model runs: "onnx" (onnxruntime, exported by `vnpos model`) or "torch".
    embedding_backend: Literal["onnx", "torch"] = "onnx"
    model_dir: Path | None = None
    max_file_mb: float = 50.0
    url_timeout_s: float = 20.0  # each network operation of a URL download
    url_deadline_s: float = 60.0  # a whole URL download, redirects included
    # Hosts, addresses or networks (CIDR) that URL ingestion may reach although they are
    # not public (intranet sources); everything else private is refused.
    url_allowlist: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # "none", or a name in bot.answering.llm.LLM_PROVIDERS: "openai" (any OpenAI-compatible
    # server), "ollama", or one a plugin registers.
    llm_provider: str = "none"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = 30.0
    # Machine translation of quotes for readers of other languages: off (default),
    # libretranslate (a LibreTranslate-compatible server at translate_url) or llm.
    translate: Literal["off", "libretranslate", "llm"] = "off"
    translate_url: str | None = None
    translate_api_key: SecretStr | None = None
    translate_timeout_s: float = Field(default=10.0, gt=0)
    # How to decide whether to answer: "margin" (default) or "calibrated" (the fitted model).
    abstention: Literal["margin", "calibrated"] = "margin"
    abstain_min_margin: float | None = None  # margin mode; None: the default
    # Calibrated mode: the confidence (0-1) an answer needs; None: the fitted threshold.
    abstain_threshold: float | None = Field(default=None, ge=0, le=1)

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None

    admin_api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    widget_keys: Annotated[dict[str, WidgetKey], NoDecode] = Field(default_factory=dict)
    rate_limit_ip_per_min: float = 30.0  # public API requests per client IP and minute; 0: off
    rate_limit_key_per_min: float = 600.0  # public API requests per widget key and minute; 0: off
    max_request_kb: int = 64  # largest request body except admin document uploads
    max_concurrent_answers: int = 2  # answers computed at once (CPU-bound); others queue

    host: str = "127.0.0.1"
    port: int = 8000
    header_timeout_s: float = 10.0  # a client that takes longer to send headers is dropped
    # Reverse proxies (addresses or CIDR) whose X-Forwarded-For names the client.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    retention_days: int = 90  # stored questions and answers older than this are purged; 0: keep

    @field_validator(
        "telegram_admin_ids", "admin_api_keys", "url_allowlist", "trusted_proxies", mode="before"
    )
    @classmethod
    def _comma_list(cls, value: object) -> object:
        return _split_commas(value)

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://host:port/db URL (or rediss://, unix://)")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                normalise_url(value.get_secret_value())
            except ValueError as exc:
                raise ValueError(
                    f"must be a postgresql://user:password@host/db URL; {exc}"
                ) from None
        return value

    @property
    def app_database_url(self) -> str:
        """Return where the app store lives: VNPOS_DATABASE_URL, else DATA_DIR/app.sqlite3."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return sqlite_url(self.data_dir / "app.sqlite3")

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network (CIDR)") from None
        return value

    @field_validator("widget_keys", mode="before")
    @classmethod
    def _widget_keys(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(
                    'VNPOS_WIDGET_KEYS must be a JSON object such as {"key": ["https://site"]}'
                ) from exc
        if isinstance(value, dict):
            # The short form lists a key's origins only.
            return {k: {"origins": v} if isinstance(v, list) else v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _role_possible(self) -> Settings:
        if self.role == "bot" and self.telegram_token is None:
            raise ValueError("VNPOS_ROLE=bot needs VNPOS_TELEGRAM_TOKEN")
        return self

    @model_validator(mode="after")
    def _translator_configured(self) -> Settings:
        if self.translate == "libretranslate" and not self.translate_url:
            raise ValueError("VNPOS_TRANSLATE=libretranslate needs VNPOS_TRANSLATE_URL")
        if self.translate == "llm" and (self.llm_provider == "none" or not self.llm_model):
            raise ValueError("VNPOS_TRANSLATE=llm needs VNPOS_LLM_PROVIDER and VNPOS_LLM_MODEL")
        return self

    @property
    def max_file_bytes(self) -> int:
        """Return the upload and file size cap in bytes."""
        return int(self.max_file_mb * 1_000_000)

    @property
    def model_cache_dir(self) -> Path:
        """Return where the bundled embedding model is built (default: DATA_DIR/models)."""
        return self.model_dir or self.data_dir / "models"

    def knowledge_base_config(self) -> KnowledgeBaseConfig:
        """Return the retrieval layer's configuration."""
        return KnowledgeBaseConfig(
            data_dir=self.data_dir,
            chroma_url=self.chroma_url,
            database_url=self.database_url.get_secret_value() if self.database_url else None,
            collection=self.collection,
            corpus_dir=self.corpus_dir,
            max_file_bytes=self.max_file_bytes,
            url_timeout=self.url_timeout_s,
            url_deadline=self.url_deadline_s,
            url_allowlist=tuple(self.url_allowlist),
        )
