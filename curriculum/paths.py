"""Where the curriculum's data sets live: the repository's data/ folder."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def data_file(name: str) -> Path:
    """A file of the project's data/ folder, by name."""
    path = DATA_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"no data file {path}; see data/README.md for the sets")
    return path
