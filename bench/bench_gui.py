"""GUI benchmark: the 人才库 over 100,000 talents.

    /work/venv/bin/python bench/bench_gui.py [--rows 100000] [--db PATH] [--keep]

Measures, each next to a baseline measured in the same run:

- start: from creating the main window to a shown, populated table (baseline: a bare
  QTableView over a trivial in-memory model with the same row count);
- search as you type (median and worst, keystroke → model reset → table repainted) for a
  name, pinyin initials and an ID fragment (baseline: a bare SQL ``LIKE '%x%'`` scan of
  the name column with sqlite3);
- scrolling the table from top to bottom page by page (worst frame: one scroll step +
  repaint; baseline: the same over the trivial model).

Goals (issue 6): start < 2 s, search < 50 ms median and < 150 ms worst, frames < 50 ms.
The talents are generated with a SQLAlchemy Core bulk insert (a few seconds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭"
            "陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉玲建国志文斌宇浩凯健俊帆鑫"
         "波宁欣怡佳琪雪晨阳博峰林海云飞亮成龙婷雯瑶琳颖倩晶晓丹宏春梅蕾")
DISTRICTS = ("阿拉善左旗", "阿拉善右旗", "额济纳旗", "巴彦浩特镇", "腾格里经济技术开发区", "乌斯太镇", "孪井滩", "吉兰泰镇")
EMPLOYER_KINDS = ("事业单位", "国有企业", "民营企业", "机关")
EDUCATIONS = ("博士研究生", "硕士研究生", "大学本科", "大学专科")
MODES = ("招聘", "调动", "特聘", "兼职")
POLICIES = ("alxa-2023", "alashankou-2014", "baotou-2022")


def populate(db, n: int, *, seed: int = 6) -> None:
    """Insert ``n`` synthetic talents (and 300 employers) with a Core bulk insert."""
    from sqlalchemy import insert

    from talentdesk.domain import idcard, pinyin, uscc
    from talentdesk.models.entities import Employer, Talent

    rnd = random.Random(seed)
    now = dt.datetime(2026, 1, 1)
    employers = []
    for i in range(300):
        employers.append({"id": i + 1, "name": f"{DISTRICTS[i % len(DISTRICTS)]}第{i + 1}号{['医院', '中学', '研究所', '化工有限公司', '农牧局'][i % 5]}",
                          "uscc": uscc.make(f"12152900{i + 1:09d}"), "kind": EMPLOYER_KINDS[i % 4],
                          "district": DISTRICTS[i % len(DISTRICTS)], "version": 1, "created_at": now,
                          "updated_at": now})
    initials = {ch: pinyin.initials(ch) for ch in SURNAMES + GIVEN}
    rows = []
    used = set()
    areas = ("152921", "152922", "152923", "150102", "110101", "370102")
    for i in range(n):
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.6 else "")
        while True:
            birth = dt.date(1970, 1, 1) + dt.timedelta(days=rnd.randrange(0, 365 * 30))
            key = (rnd.choice(areas), birth, rnd.randrange(0, 1000))
            if key not in used:
                used.add(key)
                break
        number = idcard.make(*key)
        intro = dt.date(2014, 1, 1) + dt.timedelta(days=rnd.randrange(0, 365 * 12))
        intro = min(intro, dt.date(2025, 12, 31))
        rows.append({
            "name": name, "name_initials": "".join(initials[c] for c in name), "id_number": number,
            "sex": "男" if key[2] % 2 else "女", "birth_date": birth, "education": rnd.choice(EDUCATIONS),
            "introduction_mode": rnd.choice(MODES), "employer_id": rnd.randrange(1, 301),
            "introduction_date": intro, "policy_id": rnd.choice(POLICIES),
            "status": "departed" if rnd.random() < 0.05 else "active",
            "phone": f"13{rnd.randrange(0, 10**9):09d}", "talent_class": rnd.choice("ABCDE"),
            "version": 1, "created_at": now, "updated_at": now,
        })
    with db.write() as session:
        session.execute(insert(Employer), employers)
        for start in range(0, len(rows), 20000):
            session.execute(insert(Talent), rows[start:start + 20000])
