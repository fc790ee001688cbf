"""The web editor (FastAPI backend + front end)."""
