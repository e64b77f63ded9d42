"""Where TalentDesk keeps its files.

Defaults come from platformdirs (the user's profile, never a shared folder). Each can be
overridden by an environment variable, for tests and portable installs:

- ``TALENTDESK_HOME``: one folder holding data, config, logs and backups (portable mode).
- ``TALENTDESK_DB``: a database file path or any SQLAlchemy URL.

The data, config and log folders and the default backup folder hold personal data: on
POSIX they are kept owner-only (0700, ``private_dir``), and the database file and its
backups are created 0600 (``create_private_file``). On Windows the folders are in the
user's profile (``%LOCALAPPDATA%``), whose default ACL already admits only that user,
the administrators and SYSTEM; nothing is changed there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from talentdesk import APP_NAME


def _home() -> Path | None:
    home = os.environ.get("TALENTDESK_HOME")
    return Path(home).expanduser() if home else None


def _platform(kind: str) -> Path:
    import platformdirs

    fn = {
        "data": platformdirs.user_data_dir,
        "config": platformdirs.user_config_dir,
        "log": platformdirs.user_log_dir,
    }[kind]
    return Path(fn(APP_NAME, appauthor=False))


PRIVATE_DIR_MODE, PRIVATE_FILE_MODE = 0o700, 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; on POSIX make it owner-only (0700).
    Only for TalentDesk's own folders, never a folder the user chose for other things."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        try:
            if stat.S_IMODE(path.stat().st_mode) != PRIVATE_DIR_MODE and path.stat().st_uid == os.getuid():
                os.chmod(path, PRIVATE_DIR_MODE)
        except OSError:  # another user's folder, a FAT USB stick: leave it
            pass
    return path


def create_private_file(path: Path) -> bool:
    """Create an empty owner-only (0600 on POSIX) file at ``path`` unless it exists.
    True if it was created. (An empty file is a valid empty SQLite database.)"""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def tighten_file(path: Path) -> None:
    """An existing file of ours that every local user may read: take the others' rights
    away (group rights stay: an office may share a database with a group on purpose)."""
    if os.name != "posix":
        return
    try:
        st = path.stat()
        if st.st_uid == os.getuid() and st.st_mode & 0o007:
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o007)
    except OSError:
        pass


def _dir(under_home: str, kind: str) -> Path:
    """The folder ``under_home`` of TALENTDESK_HOME when that is set, else the platform's
    folder of this kind; created if missing, owner-only."""
    home = _home()
    path = home / under_home if home else _platform(kind)
    return private_dir(path)


def data_dir() -> Path:
    return _dir("data", "data")


def config_dir() -> Path:
    return _dir("config", "config")


def log_dir() -> Path:
    return _dir("logs", "log")


def default_db_path() -> Path:
    return data_dir() / "talentdesk.sqlite3"


def default_backup_dir() -> Path:
    return private_dir(data_dir() / "backups")


def user_policy_dir() -> Path:
    """An office drops its own county's policy pack (YAML) here."""
    path = data_dir() / "policies"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """Bundled resources (policy packs, fonts, icons); works in a PyInstaller build too."""
    import sys

    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
