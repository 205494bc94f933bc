"""Paths the Python tests share: the source tree, ../shared/reference, and the qdes program of this build."""

from pathlib import Path

import pytest

import qdes
from qdes import _build

SOURCE = Path(__file__).resolve().parents[2]
REFERENCE = SOURCE.parent / "shared" / "reference"


@pytest.fixture
def source():
    return SOURCE


@pytest.fixture
def reference():
    if not REFERENCE.is_dir():
        pytest.fail(f"{REFERENCE} is missing: the tests need ../shared beside the checkout")
    return REFERENCE


@pytest.fixture
def qdes_program():
    return _build.QDES_EXECUTABLE
