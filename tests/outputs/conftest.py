"""Give these tests their own PostgreSQL test database name, so that running them while
other test files run against the same server (several engineers, one machine) does not
truncate each other's rows. Only the database name changes; see tests/conftest.py."""

import pytest


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    workerinput = getattr(request.config, "workerinput", None)
    return ("outputs_" + workerinput["workerid"]) if workerinput else "outputs_master"
