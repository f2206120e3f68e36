"""Errors whose messages are safe to show to the person who caused them."""


class VnposError(Exception):
    """Base class: the message says what was expected and what was received."""


class LoadError(VnposError):
    """A document could not be read: corrupt, empty, too large, unreachable, unsupported."""


class StoreError(VnposError):
    """The vector store or keyword index could not be used."""


class EmbeddingModelError(VnposError):
    """The embedding model could not be built or loaded."""
