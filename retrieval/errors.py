"""Errors whose messages are safe to show to the person who caused them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval.locking import Holder


class VnposError(Exception):
    """Base class: the message says what was expected and what was received."""


class ConfigurationError(VnposError):
    """A setting must change: the message names it and says how to fix it."""


class LoadError(VnposError):
    """A document could not be read: corrupt, empty, too large, unreachable, unsupported."""


class StoreError(VnposError):
    """A dependency of the knowledge base (Chroma, the registry, the disk) failed.

    ``dependency`` names it for health reports: "chroma", "registry" or "disk".
    """

    def __init__(self, message: str, *, dependency: str = "chroma") -> None:
        super().__init__(message)
        self.dependency = dependency


class StoreBusy(StoreError):
    """Another process holds the knowledge base's lock."""

    def __init__(self, message: str, *, holder: Holder | None = None) -> None:
        super().__init__(message, dependency="lock")
        self.holder = holder


class InconsistentStore(StoreError):
    """The registry and the collection disagree in a way only a repair may resolve."""

    def __init__(self, message: str) -> None:
        super().__init__(message, dependency="registry")


class EmbeddingModelError(ConfigurationError):
    """The embedding model could not be built or loaded."""
