"""Importing into a module's bank: keys survive export, re-importing updates by key (new versions once
shown), what the reader changed comes back as warnings, and nothing is half-imported."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fixtures_questions import SAMPLE_BANK
from studyapp.domain.problems import ValidationFailed
from studyapp.models import Question
from studyapp.services.questions import export_xlsx, import_bank
from tests.conftest import FIXED_NOW


@pytest.fixture
def bank(db, load_bank, bank_module):
    load_bank({"01.txt": SAMPLE_BANK})
    return bank_module


def _questions(db, module):
    return db.session.scalars(select(Question).where(Question.module_id == module.id).order_by(Question.key)).all()


def _export(db, module) -> bytes:
    return export_xlsx(db.session, _questions(db, module))


def _edit_cell(data: bytes, key: str, header: str, value) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("编号")].value == key:
            row[headers.index(header)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_export_then_reimport_changes_nothing(db, bank, admin):
    result = import_bank(db.session, admin, bank, _export(db, bank), "export.xlsx", FIXED_NOW)
    assert (result.created, result.updated, result.unchanged) == (0, [], 4)
    assert [q.key for q in _questions(db, bank)] == ["q-1", "q-2", "q-3", "q-4"]


def test_reimport_of_an_edited_export_updates_the_question_by_its_key(db, bank, admin, mark_used):
    question = next(q for q in _questions(db, bank) if q.key == "q-1")
    shown = question.current
    mark_used(shown)  # a member has seen it: the change must be a new version
    data = _edit_cell(_export(db, bank), "q-1", "答案", "C")
    result = import_bank(db.session, admin, bank, data, "export.xlsx", FIXED_NOW)
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (0, ["q-1"], 3)
    question = next(q for q in _questions(db, bank) if q.key == "q-1")
    assert question.current.answer == "C" and question.current.id != shown.id
    assert db.session.get(type(shown), shown.id).answer == "B"  # what the member saw is kept
    assert db.session.scalar(select(func.count()).select_from(Question)) == 4


def test_refusing_existing_keys_reports_each_and_imports_nothing(db, bank, admin):
    data = _edit_cell(_export(db, bank), "q-1", "答案", "C")
    with pytest.raises(ValidationFailed) as caught:
        import_bank(db.session, admin, bank, data, "export.xlsx", FIXED_NOW, update_existing=False)
    assert "export.xlsx，第2行，“编号”列：编号 q-1 在题库中已存在（要更新它，请在导入页选择“更新这些题目”）" in \
        [str(p) for p in caught.value.problems]
    db.session.rollback()
    assert next(q for q in _questions(db, bank) if q.key == "q-1").current.answer == "B"


def test_a_key_cannot_take_the_content_of_another_question(db, bank, admin):
    # q-3's row under a new key is a copy of q-3: refused, not added beside it.
    data = _edit_cell(_export(db, bank), "q-3", "编号", "q-new")
    with pytest.raises(ValidationFailed) as caught:
        import_bank(db.session, admin, bank, data, "export.xlsx", FIXED_NOW)
    assert any("与题库中已有的题目 q-3 重复" in str(p) for p in caught.value.problems)


def test_gift_title_longer_than_the_key_column_gets_a_stable_key(db, bank, admin):
    title = "支部委员会会议" * 20
    gift = f"::{title}:: 支部委员会会议须有半数以上委员到会方能召开。 {{T}}\n".encode()
    result = import_bank(db.session, admin, bank, gift, "long.gift", FIXED_NOW, default_chapter=4)
    db.session.commit()  # PostgreSQL: the key fits varchar(80)
    assert result.created == 1 and result.warnings[0].startswith("long.gift，第1行，编号字段：标题超过80个字符")
    key = db.session.scalar(select(Question.key).where(Question.source == "import"))
    assert len(key) == 80 and key.startswith("支部委员会会议")
    again = import_bank(db.session, admin, bank, gift, "long.gift", FIXED_NOW, default_chapter=4)
    assert (again.created, again.unchanged) == (0, 1)  # the same derived key: found, not duplicated


def test_a_refused_question_anywhere_in_the_file_imports_nothing(db, bank, admin):
    gift = ("::a:: 党员大会每季度召开一次。 {T}\n\n::m:: 对应 {=党员大会 -> 每季度 =支委会 -> 每月}\n"
            "\n::n:: 《条例》于哪一年印发？ {#2018:0}\n").encode()
    with pytest.raises(ValidationFailed) as caught:
        import_bank(db.session, admin, bank, gift, "mixed.gift", FIXED_NOW, default_chapter=4)
    assert [str(p) for p in caught.value.problems] == ["mixed.gift，第3行：不支持匹配题（… -> …）",
                                                        "mixed.gift，第5行：不支持数值题（{#…}）"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Question)) == 4
