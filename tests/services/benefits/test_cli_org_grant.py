"""``talentdesk platform add|list|show`` and ``grant evaluate|propose|list --employer/--platform``,
``decision add --employer``: an organisation's grant from the command line (single-user mode)."""

from __future__ import annotations

import json

from talentdesk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_platform_and_org_grants(tmp_path, capsys):
    db = ["--db", str(tmp_path / "cli.sqlite3")]
    from talentdesk.models.db import open_database
    from talentdesk.services.context import ServiceContext
    from talentdesk.services.register import employers

    d = open_database(tmp_path / "cli.sqlite3")
    employers.add(ServiceContext(d), "额济纳旗口岸物流有限公司", None, "国有企业", "额济纳旗")
    d.dispose()
    code, out, err = run(capsys, *db, "platform", "add", "额济纳旗技能大师工作室", "--kind", "工作室",
                         "--category", "技能大师工作室", "--employer", "额济纳旗口岸物流有限公司", "--level", "国家级",
                         "--body", "人力资源和社会保障部", "--doc-no", "人社厅函〔2023〕12号",
                         "--recognised-on", "2023-09-01", "--json")
    assert code == 0, err
    pid = json.loads(out)["id"]
    code, out, _ = run(capsys, *db, "platform", "list")
    assert "额济纳旗技能大师工作室" in out and "依托单位：额济纳旗口岸物流有限公司" in out
    code, out, _ = run(capsys, *db, "grant", "evaluate", "--platform", str(pid), "--approved-on", "2024-04-01",
                       "--json")
    res = next(b for b in json.loads(out)["benefits"] if b["code"] == "skills_platform_support")
    assert code == 0 and res["status"] == "eligible" and res["max_fen"] == 10_000_000
    code, _, err = run(capsys, *db, "grant", "propose", "--platform", str(pid), "skills_platform_support",
                       "--approved-on", "2024-04-01")
    assert code != 0 and "一事一议" in err
    code, _, err = run(capsys, *db, "decision", "add", "--platform", str(pid), "--number", "阿人才领字〔2024〕6号",
                       "--date", "2024-04-01", "--kind", "amount", "--benefit", "skills_platform_support",
                       "--amount", "80000")
    assert code == 0, err
    code, out, err = run(capsys, *db, "grant", "propose", "--platform", str(pid), "skills_platform_support",
                         "--approved-on", "2024-04-01", "--doc-no", "阿人才字〔2024〕30号", "--decision",
                         "阿人才领字〔2024〕6号", "--json")
    assert code == 0, err
    g = json.loads(out)
    assert g["beneficiary"] == "platform" and g["total_fen"] == 8_000_000 and g["受益对象"] == "平台载体"
    code, out, _ = run(capsys, *db, "grant", "list", "--beneficiary", "organisation")
    assert "额济纳旗技能大师工作室（平台载体）" in out and "80,000.00元" in out
    code, out, _ = run(capsys, *db, "grant", "list")  # the talents' grants only, by default
    assert "共 0 项待遇" in out
    code, out, _ = run(capsys, *db, "platform", "show", "额济纳旗技能大师工作室")
    assert f"奖补[{g['id']}]" in out
    code, _, err = run(capsys, *db, "grant", "propose", "152921199005010012", "enterprise_introduction_award",
                       "--employer", "额济纳旗口岸物流有限公司", "--approved-on", "2024-04-01")
    assert code != 0 and "只能选其一" in err
