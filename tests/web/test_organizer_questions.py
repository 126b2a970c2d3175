"""Organizer question-bank pages: filter, detail, edit with preview and versions, import, export,
coverage matrix, and that members cannot reach any of it."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fixtures_questions import SAMPLE_BANK
from studyapp.domain.questions import QuestionDraft, write_xlsx
from studyapp.models import Question, QuestionVersion


@pytest.fixture
def loaded(load_bank):
    load_bank({"01.txt": SAMPLE_BANK})


def _q(db, key):
    db.session.rollback()  # end the test's read transaction so the requests' commits are seen
    return db.session.scalar(select(Question).where(Question.key == key))


def test_member_gets_403_everywhere(client, auth, member_a, loaded, db):
    auth.login(member_a)
    qid = _q(db, "q-1").id
    for url in ["/manage/questions", f"/manage/questions/{qid}", f"/manage/questions/{qid}/edit",
                "/manage/questions/import", "/manage/questions/template.xlsx", "/manage/questions/export.xlsx",
                "/manage/questions/coverage"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/manage/questions/{qid}/status", data={"status": "retired"}).status_code == 403
    assert _q(db, "q-1").status == "active"


def test_filtering_by_type_chapter_article_tag_and_text(client, auth, organizer_a, loaded, bank_module):
    auth.login(organizer_a)
    page = client.get("/manage/questions").get_data(as_text=True)
    assert "共 4 题" in page and "q-1" in page and "q-4" in page
    m = bank_module.id
    page = client.get(f"/manage/questions?module={m}&type=true_false").get_data(as_text=True)
    assert "共 1 题" in page and "q-3" in page and "q-1" not in page
    page = client.get(f"/manage/questions?module={m}&chapter=4&article=11").get_data(as_text=True)
    assert "共 1 题" in page and "q-4" in page
    page = client.get(f"/manage/questions?module={m}&tag=数字").get_data(as_text=True)
    assert "共 1 题" in page and "q-1" in page
    page = client.get(f"/manage/questions?module={m}&q=联合党支部").get_data(as_text=True)
    assert "共 1 题" in page and "q-2" in page
    page = client.get(f"/manage/questions?module={m}&difficulty=1").get_data(as_text=True)
    assert "共 1 题" in page


def test_detail_links_to_the_article(client, auth, organizer_a, loaded, db):
    auth.login(organizer_a)
    page = client.get(f"/manage/questions/{_q(db, 'q-1').id}").get_data(as_text=True)
    assert 'href="/study/branch-regulations/2#art-4"' in page
    assert "第1版" in page and "50人" in page


def test_preview_renders_without_saving_and_save_edits_in_place(client, auth, admin, loaded, db):
    auth.login(admin)
    q = _q(db, "q-3")
    form = {"qtype": "true_false", "stem": "支部委员会会议须有**半数以上**委员到会。", "answer": "对",
            "explanation": "第十二条。", "difficulty": "2", "chapter": "4", "article": "12", "tags": ""}
    page = client.post(f"/manage/questions/{q.id}/edit", data={**form, "action": "preview"}).get_data(as_text=True)
    assert "<strong>半数以上</strong>" in page and "预览" in page
    assert "三分之二" in _q(db, "q-3").current.stem_md
    response = client.post(f"/manage/questions/{q.id}/edit", data={**form, "action": "save"})
    assert response.status_code == 302
    q = _q(db, "q-3")
    assert len(q.versions) == 1 and q.current.answer is True and "半数以上" in q.current.stem_html


def test_edit_after_use_creates_a_version_and_the_old_one_is_kept(client, auth, admin, loaded, db, mark_used):
    auth.login(admin)
    q = _q(db, "q-3")
    old_id = q.current_version_id
    mark_used(q.current)
    form = {"qtype": "true_false", "stem": "新的题干。", "answer": "错", "explanation": "第十二条。",
            "difficulty": "2", "chapter": "4", "article": "12", "action": "save"}
    client.post(f"/manage/questions/{q.id}/edit", data=form)
    q = _q(db, "q-3")
    assert [v.version_no for v in q.versions] == [1, 2] and q.current.stem_md == "新的题干。"
    assert "三分之二" in db.session.get(QuestionVersion, old_id).stem_md
    page = client.get(f"/manage/questions/{q.id}").get_data(as_text=True)
    assert "第2版" in page and "第1版" in page


def test_edit_problems_are_listed_and_nothing_saved(client, auth, admin, loaded, db):
    auth.login(admin)
    q = _q(db, "q-1")
    form = {"qtype": "single", "stem": "题干", "option_A": "甲", "option_B": "乙", "answer": "D",
            "explanation": "", "difficulty": "2", "chapter": "2", "article": "9", "action": "save"}
    page = client.post(f"/manage/questions/{q.id}/edit", data=form).get_data(as_text=True)
    assert "答案：答案 D 不在选项中（选项为 AB）" in page
    assert "条：专题“支部工作条例”中没有第9条" in page
    assert _q(db, "q-1").current.stem_md.startswith("一个党支部")


def test_retire_and_restore(client, auth, admin, loaded, db):
    auth.login(admin)
    q = _q(db, "q-2")
    client.post(f"/manage/questions/{q.id}/status", data={"status": "retired"})
    assert _q(db, "q-2").status == "retired"
    assert "共 3 题" in client.get("/manage/questions").get_data(as_text=True)
    client.post(f"/manage/questions/{q.id}/status", data={"status": "active"})
    assert _q(db, "q-2").status == "active"


def _upload(client, module_id, data, name, **fields):
    return client.post(f"/manage/questions/import?module={module_id}",
                       data={"file": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data")


def test_import_with_errors_lists_every_problem_and_imports_nothing(client, auth, admin, loaded, db,
                                                                   bank_module):
    auth.login(admin)
    drafts = [
        QuestionDraft(None, "true_false", "党员大会每季度召开一次。", answer=True, chapter_number=4, article_number=11),
        QuestionDraft(None, "single", "一个党支部的党员人数一般不超过多少人？", [("A", "30人"), ("B", "50人"), ("C", "100人")],
                      "B", chapter_number=2, article_number=4),  # already in the bank
        QuestionDraft(None, "true_false", "第99条的题。", answer=True, chapter_number=4, article_number=99),
    ]
    page = _upload(client, bank_module.id, write_xlsx(drafts), "bank.xlsx").get_data(as_text=True)
    assert "文件有问题，未导入任何内容" in page
    assert "bank.xlsx，第3行，“题干”列：与题库中已有的题目 q-1 重复" in page
    assert "bank.xlsx，第4行，“条”列：专题“支部工作条例”中没有第99条" in page
    assert db.session.scalar(select(Question).where(Question.source == "import")) is None


def test_import_adds_questions_and_export_round_trips(client, auth, admin, loaded, db, bank_module):
    auth.login(admin)
    aiken = "支部委员会会议须有多少委员到会？\nA. 半数以上\nB. 三分之二以上\nANSWER: A\n".encode()
    response = _upload(client, bank_module.id, aiken, "a.aiken", chapter="4", article="12")
    assert response.status_code == 302
    db.session.rollback()
    imported = db.session.scalars(select(Question).where(Question.source == "import")).all()
    assert len(imported) == 1 and imported[0].current.article_number == 12
    exported = client.get(f"/manage/questions/export.xlsx?module={bank_module.id}&chapter=4")
    rows = list(load_workbook(io.BytesIO(exported.data)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("题型", "题干") and len(rows) == 4  # header + q-3, q-4, the import
    # Importing the export again finds every question by its key (编号): nothing added, nothing changed.
    assert {"q-3", "q-4"} <= {row[-1] for row in rows[1:]}
    response = _upload(client, bank_module.id, exported.data, "export.xlsx")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "已导入3道题：新增0道，3道与题库中相同、未改动。" in page
    db.session.rollback()
    assert len(db.session.scalars(select(Question).where(Question.source == "import")).all()) == 1


def test_template_download_has_headers_and_examples(client, auth, organizer_a):
    auth.login(organizer_a)
    response = client.get("/manage/questions/template.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "题型" and "选项H" in rows[0] and rows[0][-2:] == ("标签", "编号")
    assert [row[0] for row in rows[1:]] == ["单选", "多选", "判断", "填空"]


def test_coverage_matrix_counts_and_gaps(client, auth, admin, loaded, bank_module):
    auth.login(admin)
    page = client.get(f"/manage/questions/coverage?module={bank_module.id}").get_data(as_text=True)
    assert "总则（共 0 题）" in page and "组织设置（共 2 题）" in page and "工作机制（共 2 题）" in page
    # Article 4 has one single-choice question, linked to the filtered list; article 6 is a gap.
    assert f'href="/manage/questions?module={bank_module.id}&amp;chapter=2&amp;article=4&amp;type=single">1</a>' in page
    assert '<tr class="is-gap" data-chapter="2" data-article="6">' in page
    assert '<tr class="" data-chapter="2" data-article="4">' in page


def test_import_names_the_chapter_and_lists_what_it_changed(client, auth, admin, loaded, db, bank_module):
    from openpyxl import Workbook

    auth.login(admin)  # the shared bank is the administrator's to change (issue 14)
    book = Workbook()
    book.active.append(["题目类型（必填）", "题目内容*", "选项A", "选项B", "正确答案", "答案解析"])
    book.active.append(["单选题", "支部委员会会议须有多少委员到会方能召开？", "A、半数以上", "B、三分之二以上", "ａ", "第十二条。"])
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, bank_module.id, out.getvalue(), "exam.xlsx", chapter="4", article="12")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "已导入1道题：新增1道。" in page
    assert "请核对：exam.xlsx，第2行，“选项A”列：去掉了选项开头重复的标号“A、”" in page
    db.session.rollback()
    imported = db.session.scalar(select(Question).where(Question.source == "import"))
    assert (imported.current.chapter_number, imported.current.article_number, imported.current.answer) == (4, 12, "A")
    assert imported.current.options == [{"key": "A", "text": "半数以上"}, {"key": "B", "text": "三分之二以上"}]
