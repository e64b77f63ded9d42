"""Hostile and broken files against the roster importer and the policy-pack loader.

Each hostile file runs in a child process with a memory cap (RLIMIT_AS) and a time
limit, as the clerk's PC would: it must end with a plain Chinese message (a
TalentDeskError), inside the cap, and leave the database untouched. Hypothesis fuzzes
mutated workbooks and pack files in-process with a small, fixed budget for CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import hostile
from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.context import ServiceContext

MEMORY_CAP_MB = 700  # on top of what the child uses after its imports
TIME_LIMIT_S = 120  # a safety net so a hang fails the test instead of blocking CI
FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

CHILD = textwrap.dedent("""
    import json, resource, sys
    from talentdesk.domain.errors import TalentDeskError
    from talentdesk.models.db import open_database
    from talentdesk.models.entities import AuditEvent, ImportBatch, Talent
    from talentdesk.services.exchange import importer
    from talentdesk.rules import loader
    from talentdesk.services.context import ServiceContext
    from sqlalchemy import func, select
    import python_calamine, openpyxl  # noqa: F401  (loaded before the cap)

    mode, db_url, target, cap_mb = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    db = open_database(db_url)
    ctx = ServiceContext(db, user="fuzz")

    def counts():
        with db.read() as s:
            return [s.execute(select(func.count()).select_from(m)).scalar_one()
                    for m in (Talent, AuditEvent, ImportBatch)]

    before = counts()
    with open("/proc/self/status") as fh:
        vm = next(int(l.split()[1]) for l in fh if l.startswith("VmSize")) * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (vm + cap_mb * 1024 * 1024, hard))
    out = {}
    try:
        if mode == "import":
            s = importer.run_import(ctx, target, "roster")
            out = {"outcome": "imported", "valid": s.valid, "rows": s.rows, "message": s.message}
        else:
            problems = loader.check_pack_file(target)
            out = {"outcome": "checked", "problems": problems[:5]}
    except TalentDeskError as exc:
        out = {"outcome": "refused", "type": type(exc).__name__, "message": exc.message}
    except MemoryError:
        out = {"outcome": "memory"}
    except BaseException as exc:
        out = {"outcome": "crash", "type": type(exc).__name__, "message": repr(exc)[:500]}
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    out["before"], out["after"] = before, counts()
    print("RESULT " + json.dumps(out, ensure_ascii=False, default=str), flush=True)
""")


def run_child(mode: str, db_url: str, target: Path, tmp_path: Path) -> dict:
    if not sys.platform.startswith("linux"):
        pytest.skip("the memory cap uses RLIMIT_AS and /proc (Linux)")
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    try:
        proc = subprocess.run([sys.executable, str(script), mode, db_url, str(target), str(MEMORY_CAP_MB)],
                              capture_output=True, text=True, timeout=TIME_LIMIT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{target.name}: no answer within {TIME_LIMIT_S} s (unbounded time)")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if not lines:
        pytest.fail(f"{target.name}: the process died (exit {proc.returncode}, memory cap {MEMORY_CAP_MB} MB?)\n"
                    f"{proc.stderr[-2000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    ok = hostile.valid_roster(d / "ok.xlsx")
    return {
        "truncated": hostile.truncated(ok, d / "truncated.xlsx"),
        "corrupt": hostile.corrupt(ok, d / "corrupt.xlsx"),
        "zip_bomb": hostile.zip_bomb(d / "bomb.xlsx"),
        "sparse_1gb_xlsx": hostile.sparse_file(d / "huge.xlsx", head=b"PK\x03\x04"),
        "sparse_1gb_csv": hostile.sparse_file(d / "huge.csv", head="姓名,身份证号\n".encode()),
        "billion_laughs": hostile.entity_bomb(d / "laughs.xlsx"),
        "external_entity": hostile.entity_bomb(d / "xxe.xlsx", hostile.EXTERNAL_ENTITY, "&xxe;"),
        "password": hostile.password_protected(d / "password.xlsx"),
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", ["truncated", "corrupt", "zip_bomb", "sparse_1gb_xlsx", "sparse_1gb_csv",
                                  "billion_laughs", "external_entity", "password"])
def test_hostile_file_is_refused_with_a_message_and_writes_nothing(name, files, sqlite_db, tmp_path):
    result = run_child("import", sqlite_db.url, files[name], tmp_path)
    assert result["outcome"] == "refused", result
    assert _has_cjk(result["message"]) and "Traceback" not in result["message"]
    assert result["after"] == result["before"], "a refused file must write nothing"
    if name == "password":
        assert "密码" in result["message"]
    if name == "external_entity":
        assert "root:" not in result["message"]


@pytest.mark.slow
def test_last_excel_row_is_handled_in_bounded_time(sqlite_db, tmp_path):
    path = hostile.max_rows(tmp_path / "max.xlsx")
    result = run_child("import", sqlite_db.url, path, tmp_path)
    assert result["outcome"] in ("refused", "imported"), result
    if result["outcome"] == "imported":
        assert result["valid"] == 0
    assert result["after"][0] == result["before"][0]  # no talent written from an invalid row


def test_formulas_are_never_evaluated_or_kept_as_formulas(ctx, tmp_path):
    from talentdesk.services.exchange import importer
    from talentdesk.services.register import talents

    path = hostile.formulas(tmp_path / "formulas.xlsx")
    try:
        summary = importer.run_import(ctx, path, "roster", dry_run=True)
    except TalentDeskError as exc:
        assert _has_cjk(exc.message)
        return
    assert summary.inserted == 0 and talents.list_talents(ctx)[0] == 0  # dry run: nothing written


def test_images_in_a_workbook_are_ignored(ctx, tmp_path):
    from talentdesk.services.exchange import importer

    path = hostile.with_image(tmp_path / "image.xlsx")
    with importer.open_file(path, "roster", ctx=ctx) as f:
        assert str(getattr(f.best_sheet, "name", f.best_sheet)) == "花名册"


# -- hypothesis: mutated workbooks ---------------------------------------------------------

_VALID = None


def _valid_bytes(tmp_dir: Path) -> bytes:
    global _VALID
    if _VALID is None:
        _VALID = hostile.valid_roster(tmp_dir / "seed.xlsx").read_bytes()
    return _VALID


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_fuzzed_workbooks_never_crash_and_never_write_on_refusal(data, sqlite_db, tmp_path):
    from sqlalchemy import func, select

    from talentdesk.models.entities import Talent
    from talentdesk.services.exchange import importer

    seed = bytearray(_valid_bytes(tmp_path))
    how = data.draw(st.sampled_from(["flip", "truncate", "splice", "random"]))
    if how == "flip":
        for pos in data.draw(st.lists(st.integers(0, len(seed) - 1), min_size=1, max_size=20)):
            seed[pos] ^= data.draw(st.integers(1, 255))
    elif how == "truncate":
        seed = seed[: data.draw(st.integers(0, len(seed) - 1))]
    elif how == "splice":
        pos = data.draw(st.integers(0, len(seed)))
        seed[pos:pos] = data.draw(st.binary(min_size=1, max_size=200))
    else:
        seed = bytearray(b"PK\x03\x04" + data.draw(st.binary(max_size=2000)))
    path = tmp_path / f"fuzz-{how}.xlsx"
    path.write_bytes(bytes(seed))
    ctx = ServiceContext(sqlite_db, user="fuzz")

    def count() -> int:  # the database is shared by all examples of one test run
        with sqlite_db.read() as s:
            return s.execute(select(func.count(Talent.id))).scalar_one()

    before = count()
    try:
        importer.run_import(ctx, path, "roster", all_or_nothing=True)
    except TalentDeskError as exc:
        assert _has_cjk(exc.message)
        assert count() == before  # a refused file writes nothing


@pytest.mark.slow
@FUZZ
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_fuzzed_csv_never_crashes(text, sqlite_db, tmp_path):
    from talentdesk.services.exchange import importer

    path = tmp_path / "fuzz.csv"
    path.write_text("姓名,身份证号,学历\n" + text, encoding="utf-8")
    try:
        importer.run_import(ServiceContext(sqlite_db, user="fuzz"), path, "roster", dry_run=True)
    except TalentDeskError as exc:
        assert _has_cjk(exc.message)


# -- the policy-pack loader ------------------------------------------------------------------

YAML_ALIAS_BOMB = "\n".join(
    ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    + ["id: *i", "title: *i"])


@pytest.mark.slow
@pytest.mark.parametrize("case", ["alias_bomb", "sparse_1gb", "binary", "deep_nesting"])
def test_hostile_policy_pack_gets_a_message_in_bounded_time(case, sqlite_db, tmp_path):
    path = tmp_path / f"{case}.yaml"
    if case == "alias_bomb":
        path.write_text(YAML_ALIAS_BOMB, encoding="utf-8")
    elif case == "sparse_1gb":
        hostile.sparse_file(path, head=b"id: x\n")
    elif case == "binary":
        path.write_bytes(os.urandom(4096))
    else:
        path.write_text("a: " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    result = run_child("pack", sqlite_db.url, path, tmp_path)
    assert result["outcome"] in ("checked", "refused"), result
    if result["outcome"] == "checked":
        assert result["problems"] and all(_has_cjk(p) for p in result["problems"])


@FUZZ
@given(text=st.text(max_size=600))
def test_fuzzed_policy_text_never_crashes_the_checker(text, tmp_path):
    from talentdesk.rules import loader

    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    problems = loader.check_pack_file(path)
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)


@FUZZ
@given(data=st.data())
def test_mutated_real_pack_never_crashes_the_checker(data, tmp_path):
    from talentdesk import paths
    from talentdesk.rules import loader

    source = sorted((paths.resources_dir() / "policies").glob("*.yaml"))[0].read_text(encoding="utf-8")
    lines = source.splitlines()
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "dup", "garble", "indent"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "garble":
            lines[i] = data.draw(st.text(max_size=40))
        else:
            lines[i] = "  " + lines[i]
        if not lines:
            break
    path = tmp_path / "mutated.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = loader.check_pack_file(path)
    assert all(isinstance(p, str) and _has_cjk(p) for p in problems)
