"""Folders of the repository layout (dags/, templates/, schemas/), found from the package."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DAGS_DIR = REPO_ROOT / "dags"
TEMPLATES_DIR = REPO_ROOT / "templates"
SCHEMAS_DIR = REPO_ROOT / "schemas"
