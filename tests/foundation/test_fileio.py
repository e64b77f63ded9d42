import pytest

from talentdesk.domain.errors import TalentDeskError
from talentdesk.fileio import atomic_path


def test_success_replaces_the_file_in_one_rename(tmp_path):
    out = tmp_path / "台账.xlsx"
    out.write_text("旧", encoding="utf-8")
    with atomic_path(out) as tmp:
        assert tmp.parent == tmp_path and tmp != out
        tmp.write_text("新", encoding="utf-8")
        assert out.read_text(encoding="utf-8") == "旧"  # untouched until the block ends
    assert out.read_text(encoding="utf-8") == "新"
    assert [p.name for p in tmp_path.iterdir()] == ["台账.xlsx"]


def test_an_error_leaves_the_old_file_and_no_temporary(tmp_path):
    out = tmp_path / "a.pdf"
    out.write_text("旧", encoding="utf-8")
    with pytest.raises(KeyError):
        with atomic_path(out) as tmp:
            tmp.write_text("半", encoding="utf-8")
            raise KeyError("cancelled")
    assert out.read_text(encoding="utf-8") == "旧"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_unwritable_place_is_a_chinese_message(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(TalentDeskError, match="无法写入错误报告.*请关闭"):
        with atomic_path(blocker / "r.xlsx", what="错误报告", hint="（请关闭）"):
            pass
