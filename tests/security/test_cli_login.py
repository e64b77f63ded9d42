"""The CLI: single-user mode until the first admin, then --user/TALENTDESK_USER and a
password from TALENTDESK_PASSWORD; user management; backup --list; audit export."""

import json

import pytest

from factories import talent_row
from talentdesk.cli import main


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch):
    dbfile = str(tmp_path / "cli.sqlite3")

    def run(*argv, user=None, password=None, new_password=None):
        for var, value in (("TALENTDESK_USER", user), ("TALENTDESK_PASSWORD", password),
                           ("TALENTDESK_NEW_PASSWORD", new_password)):
            if value is None:
                monkeypatch.delenv(var, raising=False)
            else:
                monkeypatch.setenv(var, value)
        code = main(["--db", dbfile, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    run.dbfile = dbfile
    return run


def _add_args(row):
    return [f"{k}={v}" for k, v in row.items() if v is not None]


def test_single_user_mode_then_login_required(cli):
    row = talent_row(姓名="单机")
    code, _, err = cli("talent", "add", *_add_args(row))
    assert code == 0, err
    code, out, err = cli("init", "--admin", "admin", "--json", password="Admin-pass-1")
    assert code == 0 and json.loads(out)["admin"] == "admin"
    code, _, err = cli("talent", "list")
    assert code == 1 and "--user" in err
    code, _, err = cli("--user", "admin", "talent", "list", password="wrong-pass-1")
    assert code == 1 and "用户名或密码错误" in err
    code, out, err = cli("--user", "admin", "talent", "list", "--json", password="Admin-pass-1")
    assert code == 0 and json.loads(out)["total"] == 1
    # TALENTDESK_USER works like --user.
    code, out, _ = cli("talent", "list", "--json", user="admin", password="Admin-pass-1")
    assert code == 0
    # A second first-admin is refused.
    code, _, err = cli("init", "--admin", "other", password="Other-pass-1")
    assert code == 1 and "已有用户账户" in err


def test_no_password_and_no_terminal_is_a_clear_error(cli):
    cli("init", "--admin", "admin", password="Admin-pass-1")
    code, _, err = cli("--user", "admin", "talent", "list")
    assert code == 1 and "TALENTDESK_PASSWORD" in err


def test_user_commands(cli):
    cli("init", "--admin", "admin", password="Admin-pass-1")
    admin = {"user": "admin", "password": "Admin-pass-1"}
    code, out, err = cli("user", "add", "wang", "--role", "经办人", "--display-name", "王芳",
                         new_password="Clerk-pass-1", **admin)
    assert code == 0, err
    code, out, _ = cli("user", "add", "li", "--role", "reviewer", new_password="Review-pass-1", **admin)
    code, out, _ = cli("user", "list", "--json", **admin)
    listed = {u["username"]: u for u in json.loads(out)}
    assert listed["wang"]["role_name"] == "经办人" and listed["li"]["role"] == "reviewer"
    assert "password" not in out and "scrypt" not in out
    # A clerk cannot manage users.
    code, _, err = cli("user", "list", user="wang", password="Clerk-pass-1")
    assert code == 1 and "无权管理用户" in err
    # Lock-out, then unlock by the admin.
    for _ in range(5):
        cli("user", "list", user="wang", password="bad-pass-00")
    code, _, err = cli("talent", "list", user="wang", password="Clerk-pass-1")
    assert code == 1 and "已锁定" in err
    assert cli("user", "unlock", "wang", **admin)[0] == 0
    assert cli("talent", "list", user="wang", password="Clerk-pass-1")[0] == 0
    # Own password change.
    code, _, err = cli("user", "passwd", user="wang", password="Clerk-pass-1", new_password="Clerk-pass-2")
    assert code == 0, err
    assert cli("talent", "list", user="wang", password="Clerk-pass-2")[0] == 0
    # Admin resets, disables.
    assert cli("user", "passwd", "wang", new_password="Reset-pass-3", **admin)[0] == 0
    assert cli("user", "disable", "wang", **admin)[0] == 0
    code, _, err = cli("talent", "list", user="wang", password="Reset-pass-3")
    assert code == 1 and "已停用" in err
    assert cli("user", "enable", "wang", **admin)[0] == 0
    assert cli("user", "role", "wang", "审核人", **admin)[0] == 0
    code, out, _ = cli("user", "list", "--json", **admin)
    assert {u["username"]: u["role"] for u in json.loads(out)}["wang"] == "reviewer"
    # The log-ins are in the audit trail, and the chain holds.
    code, out, _ = cli("audit", "list", "--by", "wang", "--json", **admin)
    actions = {e["action"] for e in json.loads(out)}
    assert {"login", "login_failed", "lock", "password"} <= actions
    assert cli("audit", "verify", **admin)[0] == 0


def test_first_command_of_the_day_makes_a_backup_and_backup_list(cli, tmp_path):
    assert cli("talent", "list")[0] == 0
    code, out, _ = cli("backup", "--list", "--verify", "--json")
    listed = json.loads(out)
    assert [b["label"] for b in listed["backups"]] == ["daily"] and listed["backups"][0]["ok"]
    assert cli("talent", "list")[0] == 0  # not again the same day
    code, out, _ = cli("backup", "--json")
    code, out, _ = cli("backup", "--list")
    assert "每日自动备份" in out and "手动备份" in out and "共 2 个备份" in out


def test_restore_needs_the_admin(cli, tmp_path):
    cli("init", "--admin", "admin", password="Admin-pass-1")
    admin = {"user": "admin", "password": "Admin-pass-1"}
    cli("user", "add", "wang", "--role", "clerk", new_password="Clerk-pass-1", **admin)
    bk = str(tmp_path / "manual.sqlite3")
    assert cli("backup", bk, user="wang", password="Clerk-pass-1")[0] == 0
    code, _, err = cli("restore", bk, user="wang", password="Clerk-pass-1")
    assert code == 1 and "管理员" in err
    code, out, err = cli("restore", bk, "--yes", "--json", **admin)
    assert code == 0, err and json.loads(out)["safety_backup"]


def test_audit_export_cli(cli, tmp_path):
    cli("talent", "add", *_add_args(talent_row(姓名="导出", 备注="=1+2")))
    out_file = tmp_path / "审计.xlsx"
    code, out, err = cli("audit", "export", str(out_file), "--mask", "--json")
    assert code == 0, err and out_file.exists()
    from openpyxl import load_workbook

    ws = load_workbook(out_file).active
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_check_command(cli, tmp_path):
    cli("init")
    code, out, _ = cli("check")
    assert code == 0 and "通过" in out


def test_check_restores_the_last_good_backup(cli, tmp_path):
    import sqlite3
    from pathlib import Path

    cli("talent", "add", *_add_args(talent_row(姓名="保住")))
    assert cli("backup")[0] == 0  # newer than the daily backup made before the add
    path = Path(cli.dbfile)
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    path.write_bytes(b"garbage" * 1000)
    code, out, _ = cli("check")
    assert code == 1 and "已损坏" in out and "--restore-last-good" in out
    code, out, _ = cli("check", "--restore-last-good", "--json")
    assert code == 0 and json.loads(out)["restored"]["damaged_file_kept"]
    code, out, _ = cli("talent", "list", "--json")
    assert code == 0 and json.loads(out)["total"] == 1
