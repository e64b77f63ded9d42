"""Issue 15: the database, its -wal/-shm, backups, the log and TalentDesk's folders are
owner-only on POSIX (0600 files, 0700 folders)."""

import os
import stat
import sys

import pytest

from talentdesk import paths
from talentdesk.models.db import open_database
from talentdesk.services.office import backup
from talentdesk.services.context import ServiceContext

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes; Windows keeps the profile's ACL")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # the usual umask: files 0644, folders 0755
    yield
    os.umask(old)


def test_new_database_wal_shm_and_backups_are_owner_only(tmp_path, open_umask):
    path = tmp_path / "office" / "talentdesk.sqlite3"
    db = open_database(path)
    try:
        ctx = ServiceContext(db)
        from talentdesk.services.office import settings

        settings.save_settings(ctx, office_name="测试办公室")  # a write: -wal and -shm exist
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            assert p.exists() and _mode(p) == 0o600, p
        info = backup.backup_now(ctx)
        assert _mode(info.path) == 0o600
        assert _mode(info.path.parent) == 0o700  # backups/ beside the database, made by us
    finally:
        db.dispose()


def test_talentdesk_folders_and_default_backup_folder_are_owner_only(open_umask):
    for folder in (paths.data_dir(), paths.config_dir(), paths.log_dir(), paths.default_backup_dir()):
        assert _mode(folder) == 0o700, folder


def test_an_existing_world_readable_database_loses_the_others_rights(tmp_path, open_umask):
    path = tmp_path / "old.sqlite3"
    folder_mode = _mode(tmp_path)
    open_database(path).dispose()
    os.chmod(path, 0o644)  # as main created it
    open_database(path).dispose()
    assert _mode(path) & 0o007 == 0
    assert _mode(tmp_path) == folder_mode  # a folder the user chose is not touched
