"""The CLI end to end, in-process through ``talentdesk.cli.main`` and once as a real process."""

import argparse
import json
import subprocess
import sys

from factories import talent_row
from talentdesk import __version__
from talentdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _add_args(row):
    return [f"{k}={v}" for k, v in row.items() if v is not None]


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and __version__ in out


def test_init_add_show_update_list(tmp_path, capsys):
    dbfile = str(tmp_path / "cli.sqlite3")
    code, out, _ = run(capsys, "--db", dbfile, "init", "--json")
    assert code == 0 and json.loads(out)["database"].endswith("cli.sqlite3")
    row = talent_row(姓名="刘洋", 学历="硕士", **{"合同期限（年）": "5年"})
    code, out, err = run(capsys, "--db", dbfile, "talent", "add", *_add_args(row))
    assert code == 0, err
    code, out, _ = run(capsys, "--db", dbfile, "talent", "show", row["身份证号"], "--json")
    shown = json.loads(out)
    assert shown["姓名"] == "刘洋" and shown["学历"] == "硕士研究生" and shown["合同期限（年）"] == 5
    assert shown["身份证号"] == row["身份证号"] and shown["急需紧缺"] == "是"
    assert list(shown)[:3] == ["姓名", "性别", "身份证号"]
    code, out, _ = run(capsys, "--db", dbfile, "talent", "update", row["身份证号"], "职称=中级")
    assert code == 0
    code, out, _ = run(capsys, "--db", dbfile, "--json", "talent", "list")
    listed = json.loads(out)
    assert listed["total"] == 1
    assert listed["talents"][0]["身份证号"].count("*") == 8  # masked in lists
    code, out, _ = run(capsys, "--db", dbfile, "audit", "verify", "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_bad_input_gives_chinese_message_and_exit_1(tmp_path, capsys):
    dbfile = str(tmp_path / "cli.sqlite3")
    code, out, err = run(capsys, "--db", dbfile, "talent", "add", "姓名=甲", "身份证号=110105194912310021",
                         "学历=博士", "引进方式=招聘", "用人单位=某单位", "引进日期=2023-05-01", "--json")
    assert code == 1
    assert "校验位错误" in err
    assert json.loads(out)["errors"][0]["column"] == "身份证号"


def test_env_var_selects_database(tmp_path, capsys, monkeypatch):
    dbfile = tmp_path / "env.sqlite3"
    monkeypatch.setenv("TALENTDESK_DB", str(dbfile))
    code, _, _ = run(capsys, "init")
    assert code == 0 and dbfile.exists()


def test_backup_and_restore(tmp_path, capsys):
    dbfile = str(tmp_path / "b.sqlite3")
    row = talent_row()
    assert run(capsys, "--db", dbfile, "talent", "add", *_add_args(row))[0] == 0
    code, out, _ = run(capsys, "--db", dbfile, "backup", str(tmp_path / "copy.sqlite3"), "--json")
    info = json.loads(out)
    assert code == 0 and info["counts"]["talent"] == 1
    assert run(capsys, "--db", dbfile, "talent", "delete", row["身份证号"], "--yes")[0] == 0
    assert json.loads(run(capsys, "--db", dbfile, "talent", "list", "--json")[1])["total"] == 0
    code, out, err = run(capsys, "--db", dbfile, "restore", str(tmp_path / "copy.sqlite3"))
    assert code == 1 and "--yes" in err and "恢复将丢失" in out and "重新出现" in out  # shown, not done
    assert json.loads(run(capsys, "--db", dbfile, "talent", "list", "--json")[1])["total"] == 0
    code, out, _ = run(capsys, "--db", dbfile, "restore", str(tmp_path / "copy.sqlite3"), "--yes", "--json")
    assert code == 0
    assert json.loads(run(capsys, "--db", dbfile, "talent", "list", "--json")[1])["total"] == 1


def test_restore_refuses_a_non_database(tmp_path, capsys):
    dbfile = str(tmp_path / "b.sqlite3")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    code, _, err = run(capsys, "--db", dbfile, "restore", str(junk))
    assert code == 1 and "无法读取备份文件" in err


def test_real_process_entry_point(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "talentdesk", "--db", str(tmp_path / "p.sqlite3"), "init"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "数据库已就绪" in proc.stdout


def test_no_subcommand_starts_the_gui_with_its_options(tmp_path):
    """`talentdesk --db FILE --smoke` opens the main window offscreen and quits with 0."""
    import os

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    db = tmp_path / "gui.sqlite3"
    proc = subprocess.run([sys.executable, "-m", "talentdesk", "--db", str(db), "--smoke"],
                          capture_output=True, text=True, timeout=180, env=env)
    assert proc.returncode == 0, proc.stderr
    assert db.exists()


def test_command_table_names_the_modules_that_register_the_commands():
    """A line naming a command of COMMAND_MODULES loads only that module: the table must
    say where each command really is, and the partial parser must parse as the whole."""
    import importlib

    from talentdesk import cli

    whole = next(a for a in cli.build_parser()._actions if a.dest == "command").choices
    for command, module in cli.COMMAND_MODULES.items():
        assert command in whole, command
        sub = argparse.ArgumentParser().add_subparsers(dest="command")
        importlib.import_module(module).register(sub)
        assert command in sub.choices, (command, module)
        partial = cli.build_parser(["--db", "x.sqlite", command])
        choices = next(a for a in partial._actions if a.dest == "command").choices
        assert command in choices
        assert len(choices) < len(whole)
    assert cli._named_command(["--db", "x", "--user=a", "import", "roster", "f.xlsx"]) == "import"
    assert cli._named_command(["--help", "import"]) is None
    assert cli._named_command(["--db", "x"]) is None
    line = ["--db", "x.sqlite", "import", "roster", "f.xlsx", "--dry-run", "--sheet", "花名册"]
    assert vars(cli.build_parser(line).parse_args(line)).keys() == vars(cli.build_parser().parse_args(line)).keys()


def test_json_output_is_the_standard_indented_json():
    """--json is written by cli.jsonout: the very text json.dumps(indent=2) gives."""
    import datetime as dt
    from decimal import Decimal

    from talentdesk.cli import jsonout
    from talentdesk.services.office.audit.log import json_default

    cases = [{}, [], "", 0, -1.5, None, True, "引号\"与\n换行\t\u2028", {"a": [], "b": {}, "c": [[], [{}]]},
             {"rows": 3, "changes": [{"row": 4, "fields": {"手机号码": ["138", "139"]}}],
              "at": dt.date(2024, 1, 2), "amount": Decimal("1.50"), "t": (1, 2)},
             [1e300, 2 ** 70, False], {"nan": float("nan")}, {1: "int key"}]
    for obj in cases:
        assert jsonout.dumps(obj, json_default) == json.dumps(obj, ensure_ascii=False, indent=2,
                                                             default=json_default), obj
