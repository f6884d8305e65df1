"""Where the project's own files are, for tests that read them (docs, fixtures, compose)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
