"""Shared fixtures.

- Every test runs with ``TALENTDESK_HOME`` in a temp folder (no real user data touched).
- ``db`` / ``ctx`` run a test on SQLite and, when ``TALENTDESK_TEST_PG_URL`` points at a
  server (``scripts/start-test-postgres.sh`` starts a throwaway one; CI always does), on
  PostgreSQL too. ``TALENTDESK_REQUIRE_PG=1`` (set in CI) turns a missing server into a
  failure instead of a skip.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from talentdesk.models.db import Database, open_database  # noqa: E402
from talentdesk.services.context import ServiceContext  # noqa: E402

PG_URL = os.environ.get("TALENTDESK_TEST_PG_URL")
REQUIRE_PG = os.environ.get("TALENTDESK_REQUIRE_PG") == "1"
BACKENDS = ["sqlite", "postgresql"] if (PG_URL or REQUIRE_PG) else ["sqlite"]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTDESK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TALENTDESK_DB", raising=False)
    monkeypatch.delenv("TALENTDESK_USER", raising=False)
    monkeypatch.delenv("TALENTDESK_PASSWORD", raising=False)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = open_database(path)
    db.dispose()
    return path


def _pg_admin(base_url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


def _worker_db_url(base_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    _pg_admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(base_url, f'CREATE DATABASE "{name}"')
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url(worker_id) -> str:
    """A database of this test process's own (worker id + pid: concurrent runs never share one),
    migrated once, dropped at the end of the session."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("TALENTDESK_REQUIRE_PG=1 but TALENTDESK_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server (set TALENTDESK_TEST_PG_URL)")
    name = f"talentdesk_test_{worker_id}_{os.getpid()}".lower()
    try:
        url = _worker_db_url(PG_URL, name)
    except Exception as exc:  # pragma: no cover - depends on the machine
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL not reachable at {PG_URL}: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    db = open_database(url)
    db.dispose()
    yield url
    try:
        _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception:  # pragma: no cover - best effort clean-up
        pass


def _truncate_all(db: Database) -> None:
    from sqlalchemy import text

    from talentdesk.models.base import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.write_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path) -> Database:
    if request.param == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "talentdesk.sqlite3"
        shutil.copy(template, path)
        database = open_database(path)
    else:
        database = open_database(request.getfixturevalue("pg_url"))
        _truncate_all(database)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path, _sqlite_template) -> Database:
    path = tmp_path / "talentdesk.sqlite3"
    shutil.copy(_sqlite_template, path)
    database = open_database(path)
    yield database
    database.dispose()


@pytest.fixture
def ctx(db) -> ServiceContext:
    return ServiceContext(db, user="tester")


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """xdist's worker id ("master" without xdist); defined here so plain pytest works too."""
    workerinput = getattr(request.config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "master"
