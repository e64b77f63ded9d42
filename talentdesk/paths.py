"""Where TalentDesk keeps its files.

Defaults come from platformdirs (the user's profile, never a shared folder). Each can be
overridden by an environment variable, for tests and portable installs:

- ``TALENTDESK_HOME``: one folder holding data, config, logs and backups (portable mode).
- ``TALENTDESK_DB``: a database file path or any SQLAlchemy URL.
"""

from __future__ import annotations

import os
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


def _dir(under_home: str, kind: str) -> Path:
    """The folder ``under_home`` of TALENTDESK_HOME when that is set, else the platform's
    folder of this kind; created if missing."""
    home = _home()
    path = home / under_home if home else _platform(kind)
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    return _dir("data", "data")


def config_dir() -> Path:
    return _dir("config", "config")


def log_dir() -> Path:
    return _dir("logs", "log")


def default_db_path() -> Path:
    return data_dir() / "talentdesk.sqlite3"


def default_backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
