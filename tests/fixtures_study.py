"""Study content written to a temporary folder, and a helper that loads it as load-content does."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from studyapp.services.content_sync import sync_content

MODULE_MD = """---
title: 测试条例学习
summary: 用于测试的学习专题。
order: 1
audience: 全体党员
---

专题介绍。
"""

CHAPTERS = {
    "01-general.md": """---
number: 1
title: 第一章 总则
---

总则的开篇。

## 第一条 目的

为了加强支部建设。

## 第二条 定位

党支部是党的基础组织。
""",
    "02-meetings.md": """---
number: 2
title: 第二章 工作机制
---

## 第十一条 党员大会

党员大会一般每季度召开1次，由支部委员会召集。

## 第二十三条 培训

支部书记每年至少参加1次集中培训。
""",
}


def write_module(root: Path, slug: str = "test-mod", chapters: dict | None = None, module_md: str = MODULE_MD,
                 extra: dict | None = None) -> Path:
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "module.md").write_text(module_md, encoding="utf-8")
    for name, text in {**(CHAPTERS if chapters is None else chapters), **(extra or {})}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def content_dir(tmp_path):
    root = tmp_path / "content"
    write_module(root)
    return root


@pytest.fixture
def load(db, app):
    """Load a folder in one transaction, as the command does; returns the report."""

    def run(root: Path, now=None):
        from tests.conftest import FIXED_NOW

        report = sync_content(db.session, root, now or FIXED_NOW, ZoneInfo(app.config["TIMEZONE"]))
        db.session.commit()
        return report

    return run


def scheduled_chapter(publish_at) -> dict:
    return {"03-later.md": f"""---
number: 3
title: 第三章 下一期
publish_at: {publish_at.isoformat()}
---

## 第三十条 将来

下一期才发布的内容：独特词汇甲乙丙。
"""}


ONE_DAY = timedelta(days=1)
