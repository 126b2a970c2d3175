"""Factories for question-bank tests: a module with chapters and articles, bank files, and a way to
mark a version as shown (a row in a referencing table)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from studyapp.database import intending_to_write
from studyapp.models import PracticeAnswer

BANK_CHAPTERS = ((1, "总则", (1, 2, 3)), (2, "组织设置", (4, 5, 6)), (4, "工作机制", (11, 12)))

SAMPLE_BANK = """\
# 示例题库
## q-1 单选
题干: 一个党支部的党员人数一般不超过多少人？
A. 30人
B. 50人
C. 100人
答案: B
解析: 第四条。
难度: 1
章: 2
条: 4
标签: 组织设置, 数字

## q-2 多选
题干: 联合党支部的组建原则包括哪些？
A. 地域相邻
B. 行业相近
C. 人数相同
答案: AB
解析: 第五条。
章: 2
条: 5

## q-3 判断
题干: 支部委员会会议须有三分之二以上的委员到会方能召开。
答案: 错
解析: 第十二条规定的是半数以上。
难度: 2
章: 4
条: 12

## q-4 填空
题干: 党员大会一般每___召开1次。
答案: 季度 | 季
解析: 第十一条。
章: 4
条: 11
"""


@pytest.fixture
def bank_module(make_module):
    return make_module(slug="branch-regulations", title="支部工作条例", chapters=BANK_CHAPTERS)


@pytest.fixture
def mark_used(db, member_a):
    """mark_used(version): a member answers the version in practice, as the practice page records it;
    from then on the version counts as shown and must never change."""

    def mark(version) -> None:
        row = PracticeAnswer(user_id=member_a.id, question_id=version.question_id, question_version_id=version.id,
                             response="A", correct=False)
        db.session.rollback()  # SQLite: a writer must begin as one, not upgrade a read transaction
        with intending_to_write():
            db.session.add(row)
            db.session.commit()

    return mark


@pytest.fixture
def load_bank(db, bank_module, tmp_path):
    """load_bank({"01.txt": text, ...}) writes the files and syncs them; returns the report."""
    from studyapp.services.bank_sync import sync_banks

    folder = tmp_path / "questions"
    folder.mkdir()

    def load(files: dict[str, str], now=None):
        for old in folder.glob("*.txt"):
            old.unlink()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        report = sync_banks(db.session, bank_module, folder, now or datetime(2026, 5, 1, tzinfo=timezone.utc))
        db.session.commit()
        return report

    return load
