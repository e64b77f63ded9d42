"""``talentdesk grant fact set|list|delete``."""

from __future__ import annotations

import datetime as dt
import json

from factories import talent_row
from talentdesk.cli import main
from talentdesk.models.db import open_database
from talentdesk.services.benefits import grants
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_grant_fact_cli(tmp_path, capsys):
    path = tmp_path / "cli.sqlite3"
    database = open_database(path)
    ctx = ServiceContext(database)
    row = talent_row(**{"引进方式": "特聘", "用人单位": "阿拉山口市某局", "引进日期": "2020-01-10",
                        "合同起始日期": "2020-01-10", "协议签订日期": "2020-01-10"})
    idn = row["身份证号"]
    talents.add(ctx, row)
    talents.update(ctx, idn, {}, policy_id="alashankou-2014")
    g = grants.propose(ctx, idn, "special_hire_subsidy", approved_on=dt.date(2020, 1, 10), approval_doc_no="阿左人才字〔2023〕11号",
                       facts={"alashankou_expert": True})
    grants.approve(ctx, g.id)
    database.dispose()
    db = ["--db", str(path)]

    code, out, err = run(capsys, *db, "grant", "fact", "list", idn)
    assert code == 0, err
    assert "尚未登记" in out and "待补充：" in out and "第十四条" in out
    code, out, err = run(capsys, *db, "grant", "fact", "set", idn, "special_hire_subsidy", "1", "服务月数=4",
                         "returned_to_post=是")
    assert code == 0, err
    assert "服务月数：4个月" in out and "取消" in out
    code, out, _ = run(capsys, *db, "grant", "fact", "list", idn, "special_hire_subsidy", "--json")
    data = json.loads(out)
    assert data["facts"][0]["values"] == {"months_served": 4, "returned_to_post": True}
    assert all(p["year"] != 1 for p in data["pending"])
    code, out, err = run(capsys, *db, "grant", "fact", "set", idn, "special_hire_subsidy", "1", "服务月数=十三")
    assert code == 1 and "服务月数" in err
    code, out, err = run(capsys, *db, "grant", "fact", "set", idn, "special_hire_subsidy", "1", "服务月数")
    assert code == 1 and "事项=值" in err
    code, out, err = run(capsys, *db, "grant", "fact", "delete", idn, "special_hire_subsidy", "1", "--json")
    assert code == 0, err
    assert json.loads(out)["effects"][0]["action"] == "restore"
