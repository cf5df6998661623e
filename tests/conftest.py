"""Shared fixtures: one embedded pipeline per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.nlp import load_pipeline

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
