"""Syncing content/ question banks: add, leave alone, edit in place, version after use, retire."""
from __future__ import annotations

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, select

from fixtures_questions import SAMPLE_BANK
from studyapp.domain.problems import ValidationFailed
from studyapp.models import Question, QuestionVersion
from studyapp.services import question_versions
from studyapp.services.question_versions import referencing_columns, version_in_use


def _question(db, key):
    db.session.expire_all()
    return db.session.scalar(select(Question).where(Question.key == key))


def test_load_creates_every_question_with_rendered_text(db, load_bank):
    report = load_bank({"01.txt": SAMPLE_BANK})
    assert (report.added, report.unchanged) == (4, 0)
    q1 = _question(db, "q-1")
    assert q1.source == "file" and q1.status == "active"
    version = q1.current
    assert version.version_no == 1
    assert version.options == [{"key": "A", "text": "30人"}, {"key": "B", "text": "50人"},
                               {"key": "C", "text": "100人"}]
    assert version.answer == "B" and version.tags == ["组织设置", "数字"]
    assert version.stem_html.startswith("<p>") and "50人" not in version.stem_html
    assert _question(db, "q-2").current.answer == ["A", "B"]
    assert _question(db, "q-3").current.answer is False
    assert _question(db, "q-4").current.answer == [["季度", "季"]]


def test_reload_unchanged_does_nothing(db, load_bank):
    load_bank({"01.txt": SAMPLE_BANK})
    before = db.session.scalars(select(QuestionVersion.id)).all()
    report = load_bank({"01.txt": SAMPLE_BANK})
    assert (report.added, report.edited, report.versioned, report.unchanged) == (0, 0, 0, 4)
    assert db.session.scalars(select(QuestionVersion.id)).all() == before


def test_edit_of_an_unused_question_changes_it_in_place(db, load_bank):
    load_bank({"01.txt": SAMPLE_BANK})
    version_id = _question(db, "q-1").current_version_id
    report = load_bank({"01.txt": SAMPLE_BANK.replace("不超过多少人？", "最多多少人？")})
    assert (report.edited, report.versioned) == (1, 0)
    q1 = _question(db, "q-1")
    assert q1.current_version_id == version_id and len(q1.versions) == 1
    assert "最多多少人" in q1.current.stem_md and "最多多少人" in q1.current.stem_html


def test_edit_after_use_creates_a_version_and_the_old_one_keeps_its_text(db, load_bank, mark_used):
    load_bank({"01.txt": SAMPLE_BANK})
    old = _question(db, "q-1").current
    old_id = old.id
    mark_used(old)
    assert version_in_use(db.session, old_id)
    report = load_bank({"01.txt": SAMPLE_BANK.replace("B. 50人", "B. 五十人")})
    assert (report.edited, report.versioned) == (0, 1)
    q1 = _question(db, "q-1")
    assert [v.version_no for v in q1.versions] == [1, 2]
    assert q1.current.options[1]["text"] == "五十人"
    kept = db.session.get(QuestionVersion, old_id)
    assert kept.options[1]["text"] == "50人" and "不超过多少人" in kept.stem_html


def test_question_missing_from_the_file_is_retired_and_comes_back(db, load_bank):
    load_bank({"01.txt": SAMPLE_BANK})
    without_q4 = SAMPLE_BANK.split("## q-4")[0]
    report = load_bank({"01.txt": without_q4})
    assert report.retired == 1
    assert _question(db, "q-4").status == "retired"
    assert db.session.scalar(select(QuestionVersion).join(Question, QuestionVersion.question_id == Question.id)
                             .where(Question.key == "q-4")) is not None  # history kept
    report = load_bank({"01.txt": SAMPLE_BANK})
    assert report.restored == 1 and _question(db, "q-4").status == "active"


def test_unknown_article_and_chapter_are_reported_and_nothing_is_loaded(db, load_bank):
    bad = SAMPLE_BANK.replace("章: 2\n条: 4", "章: 2\n条: 99").replace("章: 4\n条: 11", "章: 3\n条: 11")
    with pytest.raises(ValidationFailed) as caught:
        load_bank({"01.txt": bad})
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "branch-regulations/questions/01.txt，第11行，条字段：专题“支部工作条例”中没有第99条",
        "branch-regulations/questions/01.txt，第36行，章字段：专题“支部工作条例”没有第3章",
    ]
    db.session.rollback()
    assert db.session.scalar(select(Question)) is None


def test_article_of_another_chapter_is_reported(db, load_bank):
    with pytest.raises(ValidationFailed) as caught:
        load_bank({"01.txt": SAMPLE_BANK.replace("章: 2\n条: 4", "章: 1\n条: 4")})
    assert [p.message for p in caught.value.problems] == ["第4条在第2章，不在第1章"]


def test_ids_and_questions_repeated_across_files_are_reported(db, load_bank):
    other = SAMPLE_BANK.split("## q-2")[0].replace("## q-1", "## q-9") + "\n" + "## q-2" + \
        SAMPLE_BANK.split("## q-2")[1].split("## q-3")[0].replace("联合党支部", "联合支部")
    with pytest.raises(ValidationFailed) as caught:
        load_bank({"01.txt": SAMPLE_BANK, "02.txt": other})
    assert [str(p) for p in caught.value.problems] == [
        "branch-regulations/questions/02.txt，第3行，题干字段：与 branch-regulations/questions/01.txt 第2行的题目重复",
        "branch-regulations/questions/02.txt，第15行，编号字段：编号 q-2 已在 branch-regulations/questions/01.txt 第14行使用",
    ]


def test_a_file_id_may_not_take_over_an_imported_question(db, load_bank, bank_module, admin):
    from studyapp.services.questions import import_bank
    from studyapp.domain.questions import write_xlsx, QuestionDraft

    draft = QuestionDraft(None, "true_false", "党员大会每季度召开一次。", answer=True, chapter_number=4)
    import_bank(db.session, admin, bank_module, write_xlsx([draft]), "a.xlsx", None)
    key = db.session.scalar(select(Question.key))
    with pytest.raises(ValidationFailed) as caught:
        load_bank({"01.txt": SAMPLE_BANK.replace("## q-1", f"## {key}")})
    assert "已被网页导入的题目使用" in str(caught.value)


def test_in_use_means_any_table_referencing_versions(db, load_bank, monkeypatch):
    """A table added later (here a throwaway one) counts as soon as it references question_versions.id;
    the question's own pointer to its current version does not."""
    found = {(c.table.name, c.name) for c in referencing_columns()}
    assert ("questions", "current_version_id") not in found
    assert ("practice_answers", "question_version_id") in found
    load_bank({"01.txt": SAMPLE_BANK})
    version_id = _question(db, "q-1").current_version_id
    assert not version_in_use(db.session, version_id)
    metadata = MetaData()
    table = Table("test_version_refs", metadata, Column("id", Integer, primary_key=True),
                  Column("version_id", Integer, ForeignKey("question_versions.id")))
    monkeypatch.setattr(question_versions, "REFERENCE_METADATA", (*question_versions.REFERENCE_METADATA, metadata))
    plain = Table("test_version_refs", MetaData(), Column("id", Integer, primary_key=True), Column("version_id", Integer))
    plain.create(db.engine)
    try:
        with db.engine.begin() as conn:
            conn.execute(plain.insert().values(version_id=version_id))
        db.session.rollback()  # a fresh transaction sees the new table
        assert version_in_use(db.session, version_id)
        assert ("test_version_refs", "version_id") in {(c.table.name, c.name) for c in referencing_columns()}
    finally:
        db.session.rollback()
        plain.drop(db.engine)
