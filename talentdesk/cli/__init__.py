"""The ``talentdesk`` command.

Subcommands live in ``talentdesk/cli/<group>/cmd_*.py``, grouped as the services are
(register, benefits, office, exchange); each module defines
``register(subparsers)``, and each subcommand sets ``func=handler`` where
``handler(args, app) -> int``. ``--json`` may stand anywhere on the line.

Exit codes: 0 done, 1 an expected problem (message on stderr), 2 bad usage or an
unreadable file, 3 some input rows had errors (imports).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import Any, Sequence

from talentdesk import APP_TITLE, __version__
from talentdesk.domain.errors import TalentDeskError


class CliApp:
    """What a handler needs: the database, the acting user, output helpers."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.json = bool(getattr(args, "json", False))
        self._db = None
        self._ctx = None

    @property
    def dry_run(self) -> bool:
        """``--dry-run`` (试运行): the command runs its real path, every write rolled back."""
        return bool(getattr(self.args, "dry_run", False))

    def database(self):
        """The database; on a dry run a rehearsal of it (every write transaction rolled back),
        never a new file and never an upgrade (they would write)."""
        if self._db is None:
            from talentdesk.models.db import open_database

            if self.dry_run:
                self._db = _open_for_dry_run(self.args.db)
            else:
                self._db = open_database(self.args.db)
        return self._db.rehearsal() if self.dry_run else self._db

    def real_database(self):
        """The database itself, also on a dry run (for what is recorded whatever the mode:
        a failed log-in)."""
        self.database()
        return self._db

    def context(self):
        """The service context for the acting user (login hooks in here)."""
        if self._ctx is None:
            from talentdesk.services.office import auth_hook
            from talentdesk.services.exchange.demodata import mark as demo_mark

            self._ctx = auth_hook.cli_context(self)
            if getattr(self.args, "command", None) != "demo" and demo_mark.is_demo(self._ctx):
                sys.stderr.write(f"警告：{demo_mark.DEMO_WARNING}\n")
        return self._ctx

    def print_json(self, obj: Any) -> None:
        from talentdesk.cli import jsonout
        from talentdesk.services.office.audit.log import json_default

        sys.stdout.write(jsonout.dumps(obj, json_default) + "\n")  # = json.dumps(…, indent=2), faster

    def out(self, text: str = "") -> None:
        sys.stdout.write(text + "\n")

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def _open_for_dry_run(target):
    from pathlib import Path

    from talentdesk.models.db import open_database

    text = target or os.environ.get("TALENTDESK_DB") or None
    if text is None:
        from talentdesk import paths

        text = str(paths.default_db_path())
    if "://" not in str(text) and not Path(str(text)).expanduser().is_file():
        raise TalentDeskError(f"试运行不会新建数据库：数据库文件 {text} 不存在")
    db = open_database(text, migrate=False)
    try:
        if db.needs_upgrade():
            raise TalentDeskError("试运行不会升级数据库：此数据库需先升级（不加 --dry-run 运行一次任意命令）")
    except BaseException:
        db.dispose()
        raise
    return db


def _command_modules() -> list[str]:
    import talentdesk.cli as pkg

    return sorted(m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")
                  if m.name.rsplit(".", 1)[-1].startswith("cmd_"))


# command → the module that registers it: a line naming one of these loads only that module
# (each module's register() may import the services its choices come from; a command that
# only needs the importer should not wait for every service to load). A command not listed
# here, and help or the GUI, load every module; tests/foundation/test_cli.py keeps the table
# in step with what the modules register.
COMMAND_MODULES = {
    "import": "talentdesk.cli.exchange.cmd_import",
    "template": "talentdesk.cli.exchange.cmd_template",
    "demo": "talentdesk.cli.exchange.cmd_demo",
    "export": "talentdesk.cli.exchange.cmd_export",
    "print": "talentdesk.cli.exchange.cmd_print",
    "talent": "talentdesk.cli.register.cmd_talent",
    "employer": "talentdesk.cli.register.cmd_employer",
    "user": "talentdesk.cli.office.cmd_user",
}


def _named_command(argv: Sequence[str]) -> str | None:
    """The command a line names: its first word that is neither an option of the program
    (--db, --user, with their values) nor after any other option (None then: help,
    --version, --smoke … load everything)."""
    skip = False
    for a in argv:
        if skip:
            skip = False
        elif a in ("--db", "--user"):
            skip = True
        elif a.startswith(("--db=", "--user=")):
            continue
        elif a.startswith("-"):
            return None
        else:
            return a
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``argv`` naming a command of ``COMMAND_MODULES``, only
    that command's (the rest of the line is the command's own)."""
    parser = argparse.ArgumentParser(prog="talentdesk", description=f"{APP_TITLE}（TalentDesk）")
    parser.add_argument("--version", action="version", version=f"talentdesk {__version__}")
    parser.add_argument("--db", default=None,
                        help="数据库文件路径或 SQLAlchemy URL（默认：环境变量 TALENTDESK_DB 或用户数据目录）")
    parser.add_argument("--user", default=os.environ.get("TALENTDESK_USER"),
                        help="登录用户名（或环境变量 TALENTDESK_USER）")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    named = _named_command(argv) if argv is not None else None
    for name in ([COMMAND_MODULES[named]] if named in COMMAND_MODULES else _command_modules()):
        module = importlib.import_module(name)
        module.register(sub)
    return parser


def _names_a_command(parser: argparse.ArgumentParser, argv: list[str]) -> bool:
    """True when the line asks for a subcommand (or help/version) rather than the GUI."""
    if any(a in ("-h", "--help", "--version") for a in argv):
        return True
    commands = set()
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        commands.update(getattr(action, "choices", {}) or {})
    return any(a in commands for a in argv)


def _record_full_view(app: CliApp) -> None:
    """A list shown with ``--full`` (full ID numbers on screen) is audited; export and
    print audit their own files."""
    from talentdesk.services.exchange import reports

    args = app.args
    sub = getattr(args, f"{args.command}_command", None)
    reports.record_full_view(app.context(), f"{args.command} {sub}" if sub else str(args.command))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    want_json = "--json" in argv
    argv = [a for a in argv if a != "--json"]
    parser = build_parser(argv)
    if not _names_a_command(parser, argv):
        # `talentdesk`, `talentdesk --db FILE`, `talentdesk --smoke`: the desktop application
        from talentdesk.cli.gui_launcher import launch_gui

        return launch_gui(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    args.json = want_json
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    app = CliApp(args)
    try:
        code = int(args.func(args, app) or 0)
        if code == 0 and getattr(args, "full", False) and args.command not in ("export", "print"):
            _record_full_view(app)
        return code
    except TalentDeskError as exc:
        if app.json:
            app.print_json({"error": exc.message,
                            "errors": [e.as_dict() for e in getattr(exc, "errors", [])]})
        sys.stderr.write(f"错误：{exc.message}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("已取消\n")
        return 130
    finally:
        app.close()
