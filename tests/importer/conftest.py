"""The importer tests' own PostgreSQL test database.

Several people run tests against one shared PostgreSQL test server; the root conftest
names the database after the xdist worker (``talentdesk_test_master`` …), so concurrent
runs from different checkouts truncate each other's tables. When these tests create the
session's database they give it a name of their own.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    workerinput = getattr(request.config, "workerinput", None)
    return "importer_" + (workerinput["workerid"] if workerinput else "master")
