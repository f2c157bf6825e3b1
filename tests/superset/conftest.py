"""Fixtures shared by the Superset tests."""

from __future__ import annotations

import pytest
from published_contract import published_contract_columns


@pytest.fixture(scope="session")
def contract_columns() -> dict[str, str]:
    return published_contract_columns()
