"""The workflow tests use their own PostgreSQL database name, so that a run of these tests
does not drop the database another test run on the same server is using."""

import pytest


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    workerinput = getattr(request.config, "workerinput", None)
    return "svc_" + (workerinput["workerid"] if workerinput else "master")
