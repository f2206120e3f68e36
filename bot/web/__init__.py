"""The HTTP side: FastAPI app, admin API and the embeddable widget."""
