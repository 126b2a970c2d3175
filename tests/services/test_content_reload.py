"""load-content over a database that already has the sample bank: edits become new versions, attempts keep theirs.

The "earlier" content is today's content/ with the changes this revision made undone for three questions:
q-ch4-008 had the quorum of Art. 11 for convening (方可召开), q-ch2-003 was a duplicate fill-in since removed,
q-ch1-001 is unchanged. A member sat an exam on them before the new files were loaded.
"""
from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from studyapp.models import Module, Question, QuestionVersion
from studyapp.models.exams import Attempt, AttemptQuestion
from studyapp.services import exams as svc
from tests.conftest import FIXED_NOW

REPO_CONTENT = Path(__file__).resolve().parents[2] / "content"
NEW_STEM = "党员大会进行表决，须有多少有表决权的党员到会？"
OLD_STEM = "党员大会须有多少有表决权的党员到会方可召开？"
REMOVED = """
## q-ch2-003 填空
题干: 有正式党员___人以上的基层单位，都应当成立党支部。
答案: 3 | 三
解析: 第四条规定，基层单位凡是有正式党员3人以上的，都应当成立党支部。
难度: 1
章: 2
条: 4
"""


def earlier_content(tmp_path: Path) -> Path:
    root = tmp_path / "earlier"
    shutil.copytree(REPO_CONTENT, root)
    banks = root / "branch-regulations" / "questions"
    mechanism = banks / "04-mechanism.txt"
    text = mechanism.read_text(encoding="utf-8")
    assert NEW_STEM in text
    mechanism.write_text(text.replace(NEW_STEM, OLD_STEM), encoding="utf-8")
    organization = banks / "02-organization.txt"
    organization.write_text(organization.read_text(encoding="utf-8") + REMOVED, encoding="utf-8")
    return root


def question(db, key: str) -> Question:
    db.session.expire_all()
    return db.session.scalar(select(Question).where(Question.key == key))


def test_reloading_changed_files_versions_used_questions_and_attempts_keep_what_they_showed(
        db, load, tmp_path, make_exam, make_sitting, branch_a, member_a):
    load(earlier_content(tmp_path))
    keys = ["q-ch4-008", "q-ch2-003", "q-ch1-001"]
    used = {key: question(db, key) for key in keys}
    module = db.session.scalar(select(Module).where(Module.slug == "branch-regulations"))
    exam = make_exam(module, branch_a, fixed=[(used[key], 10) for key in keys])
    attempt, _ = svc.start_attempt(db.session, member_a, make_sitting(exam, units=[branch_a]).id, FIXED_NOW)
    db.session.commit()
    # The grader marks as a person would: "3人" fills "___人以上" (the stem repeats the unit).
    svc.save_answer(db.session, member_a, attempt.id, used["q-ch2-003"].id, ["3人"], 1, FIXED_NOW)
    svc.save_answer(db.session, member_a, attempt.id, used["q-ch4-008"].id, "A", 2, FIXED_NOW)
    result = svc.submit_attempt(db.session, member_a, attempt.id, FIXED_NOW + timedelta(minutes=5))
    db.session.commit()
    assert result.score == 20
    shown = {row.question_id: row.question_version_id for row in db.session.scalars(
        select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id))}

    report = load(REPO_CONTENT)

    assert report.banks_changed and not report.conflicts
    changed = question(db, "q-ch4-008")
    assert [v.version_no for v in changed.versions] == [1, 2]
    assert changed.current.stem_md == NEW_STEM
    old = db.session.get(QuestionVersion, shown[changed.id])
    assert old.version_no == 1 and old.stem_md == OLD_STEM  # the paper still says what the member read
    removed = question(db, "q-ch2-003")
    assert removed.status == "retired" and db.session.get(QuestionVersion, shown[removed.id]) is not None
    unchanged = question(db, "q-ch1-001")
    assert unchanged.current_version_id == shown[unchanged.id] and len(unchanged.versions) == 1
    rows = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)).all()
    assert {row.question_id: row.question_version_id for row in rows} == shown
    assert db.session.get(Attempt, attempt.id).score == 20  # no automatic regrade
    # Loading the same files again changes nothing.
    assert not load(REPO_CONTENT).changed


def test_questions_nobody_has_seen_are_edited_in_place(db, load, tmp_path):
    load(earlier_content(tmp_path))
    before = question(db, "q-ch4-008").current_version_id
    load(REPO_CONTENT)
    edited = question(db, "q-ch4-008")
    assert edited.current_version_id == before and edited.current.stem_md == NEW_STEM
