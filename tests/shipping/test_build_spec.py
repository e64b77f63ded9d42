"""build.spec and the icon, checked without running PyInstaller (scripts/build-smoke.sh
builds and starts the real program in CI)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class _Recorder:
    """Stands in for PyInstaller's spec classes and remembers how they were called."""

    calls: dict[str, list] = {}

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        _Recorder.calls.setdefault(type(self).__name__, []).append(self)


class Analysis(_Recorder):
    def __init__(self, scripts, **kwargs):
        super().__init__(scripts, **kwargs)
        self.scripts = [(Path(s).stem, s, "PYSOURCE") for s in scripts]
        self.scripts.insert(0, ("pyi_rth_pkgutil", "rthook.py", "PYSOURCE"))
        self.binaries = [("PySide6/Qt/lib/libQt6WebEngineCore.so.6", "x", "BINARY"),
                         ("PySide6/Qt/lib/libQt6Widgets.so.6", "x", "BINARY")]
        self.datas = list(kwargs.get("datas", [])) + [
            ("PySide6/Qt/translations/qtbase_de.qm", "x", "DATA"),
            ("PySide6/Qt/translations/qtbase_zh_CN.qm", "x", "DATA"),
            ("PySide6/Qt/translations/qt_help_zh_CN.qm", "x", "DATA")]
        self.pure = []


class PYZ(_Recorder):
    pass


class EXE(_Recorder):
    pass


class COLLECT(_Recorder):
    pass


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    pytest.importorskip("PyInstaller")
    work = tmp_path_factory.mktemp("work")
    _Recorder.calls = {}
    ns = {"SPECPATH": str(ROOT), "workpath": str(work), "DISTPATH": str(work / "dist"),
          "Analysis": Analysis, "PYZ": PYZ, "EXE": EXE, "COLLECT": COLLECT, "__file__": str(ROOT / "build.spec")}
    exec(compile((ROOT / "build.spec").read_text(encoding="utf-8"), "build.spec", "exec"), ns)
    return _Recorder.calls, work


def test_two_programs_one_folder(spec):
    calls, _ = spec
    (a,) = calls["Analysis"]
    gui, cli = calls["EXE"]
    assert gui.kwargs["name"] == "TalentDesk" and gui.kwargs["console"] is False
    assert cli.kwargs["name"] == "talentdesk-cli" and cli.kwargs["console"] is True
    for exe in (gui, cli):
        assert exe.kwargs["upx"] is False and exe.kwargs["exclude_binaries"] is True
        assert Path(exe.kwargs["icon"]).is_file() and exe.kwargs["icon"].endswith(".ico")
    # each program runs the runtime hooks and only its own entry script
    gui_names = [s[0] for s in gui.args[1]]
    cli_names = [s[0] for s in cli.args[1]]
    assert gui_names == ["pyi_rth_pkgutil", "talentdesk_gui"]
    assert cli_names == ["pyi_rth_pkgutil", "talentdesk_cli"]
    (coll,) = calls["COLLECT"]
    assert coll.kwargs["name"] == "TalentDesk" and coll.kwargs["upx"] is False
    assert coll.args[0] is gui and coll.args[1] is cli


def test_data_and_imports(spec):
    calls, _ = spec
    (a,) = calls["Analysis"]
    datas = {(Path(src).relative_to(ROOT).as_posix() if Path(src).is_absolute() and ROOT in Path(src).parents
              else src, dest) for src, dest, *_ in a.kwargs["datas"]}
    for pack in ("alxa-2023", "alashankou-2014", "baotou-2022"):
        assert (f"resources/policies/{pack}.yaml", "resources/policies") in datas
    assert ("resources/fonts/gbsn00lp.ttf", "resources/fonts") in datas
    assert ("resources/icons/talentdesk.png", "resources/icons") in datas
    assert ("talentdesk/models/migrations/env.py", "talentdesk/models/migrations") in datas
    assert ("talentdesk/models/migrations/versions/0001_initial_schema.py",
            "talentdesk/models/migrations/versions") in datas
    assert not any(src.endswith(".py") and dest.startswith("resources") for src, dest in datas)
    # python-stdnum's GB/T 2260 division table, which the 身份证号 check reads at run time
    assert any(src.replace("\\", "/").endswith("stdnum/cn/loc.dat") and dest.replace("\\", "/") == "stdnum/cn"
               for src, dest in datas)
    hidden = set(a.kwargs["hiddenimports"])
    assert {"talentdesk.cli.exchange.cmd_demo", "talentdesk.cli.office.cmd_admin", "talentdesk.ui.app",
            "sqlalchemy.dialects.postgresql.psycopg", "psycopg_binary"} <= hidden
    excludes = set(a.kwargs["excludes"])
    assert {"PySide6.QtWebEngineCore", "PySide6.QtQuick", "PySide6.QtQml", "PySide6.Qt3DCore",
            "PySide6.QtMultimedia", "tkinter"} <= excludes
    assert "PySide6.QtCharts" not in excludes and "PySide6.QtPrintSupport" not in excludes
    # heavy Qt libraries and foreign translations are filtered out after the analysis
    assert [b[0] for b in a.binaries] == ["PySide6/Qt/lib/libQt6Widgets.so.6"]
    qms = [d[0] for d in a.datas if d[0].endswith(".qm")]
    assert qms == ["PySide6/Qt/translations/qtbase_zh_CN.qm"]


def _parse_version_text(text: str):
    """The version file is Python syntax over PyInstaller's versioninfo classes (which
    need pefile, on Windows only): evaluate it with stand-ins that record the structure."""
    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo",
             "VarStruct")

    def maker(name):
        return lambda *args, **kwargs: (name, args, kwargs)

    return eval(text, {n: maker(n) for n in names})  # noqa: S307 - our own generated file


def test_version_resource_from_the_package(spec):
    import talentdesk

    calls, work = spec
    gui, cli = calls["EXE"]
    for exe, name in ((gui, "TalentDesk"), (cli, "talentdesk-cli")):
        text = Path(exe.kwargs["version"]).read_text(encoding="utf-8")
        assert f"'{talentdesk.__version__}'" in text and f"'{name}.exe'" in text
        assert "人才服务台账" in text and "CompanyName" in text
        kind, _, kwargs = _parse_version_text(text)
        assert kind == "VSVersionInfo"
        numbers = kwargs["ffi"][2]["filevers"]
        assert len(numbers) == 4 and ".".join(map(str, numbers[:3])) == talentdesk.__version__
        table = kwargs["kids"][0][1][0][0]
        strings = {item[1][0]: item[1][1] for item in table[1][1]}
        assert strings["OriginalFilename"] == f"{name}.exe" and strings["ProductVersion"] == talentdesk.__version__
    assert (work / "talentdesk_gui.py").read_text().count("talentdesk.ui.app") == 1


def test_icon_files():
    png = (ROOT / "resources/icons/talentdesk.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (256, 256)
    ico = (ROOT / "resources/icons/talentdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 6
    sizes = set()
    for i in range(count):
        w, h, _c, _r, _p, _b, length, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i:22 + 16 * i])
        sizes.add(w or 256)
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + length <= len(ico)
    assert {16, 32, 48, 256} <= sizes


def test_icon_script_redraws(tmp_path, qapp):
    import importlib.util

    spec_ = importlib.util.spec_from_file_location("make_icons", ROOT / "resources/icons/make_icons.py")
    mod = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(mod)
    assert mod.main(tmp_path) == 0
    img = mod.render(64)
    assert img.width() == 64 and img.pixelColor(32, 4).alpha() == 255  # the tile is opaque
    assert (tmp_path / "talentdesk.ico").stat().st_size > 1000
