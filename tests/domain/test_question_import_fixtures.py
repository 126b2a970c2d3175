"""Real files written elsewhere (Moodle's GPL test fixtures, see tests/fixtures/import/README.md) and a
Chinese GIFT file covering each rule: every question is imported with the meaning the file gives it, or
refused with its line, or imported with a warning naming what was dropped."""
from __future__ import annotations

from pathlib import Path

from studyapp.domain.problems import Collector
from studyapp.domain.questions import read_bank

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"


def read_fixture(name: str, **options):
    problems = Collector(name)
    bank = read_bank((FIXTURES / name).read_bytes(), name, problems, **options)
    questions = [(d.key, d.qtype, d.stem_md, d.options, d.answer) for d in (item.draft for item in bank.items)]
    return bank, questions, [str(p) for p in problems.problems], [str(w) for w in bank.warnings]


def test_moodle_gift_fixture_keeps_every_key_and_refuses_what_it_cannot_hold():
    name = "moodle-gift-questions.gift.txt"
    bank, questions, problems, warnings = read_fixture(name, default_chapter=1)
    assert bank.note == "文件内容是 Moodle GIFT 格式，已按该格式读取。"  # Moodle exports GIFT as .txt
    spectrum = "What's between orange and green in the spectrum?"
    assert questions == [
        ("Q2", "single", spectrum, [("A", "yellow"), ("B", "red"), ("C", "blue")], "A"),
        ("colours", "multiple", spectrum, [("A", "yellow"), ("B", "red"), ("C", "off-beige"), ("D", "blue")],
         ["A", "C"]),
        ("Shortanswer", "fill_blank", "Which is the best animal? ___", [], [["Frog"]]),
        # Text after the {…} (here a stray `";`) makes a missing-word question, as in Moodle.
        ("Q1", "true_false", "42 is the Absolute Answer to everything.（\u3000）\";", [], False),
        ("2-08 TSL", "true_false", "TSL is blablabla.", [], True),
        ("2-08 TSL", "true_false", "TSL is blablabla.", [], True),
    ]
    assert problems == [
        f"{name}，第2行：不支持问答题（答案部分 {{}} 是空的）",
        f"{name}，第5行：不支持匹配题（… -> …）",
        f"{name}，第31行：不支持数值题（{{#…}}）",
        f"{name}，第49行，编号字段：编号 2-08 TSL 与第46行的题目重复",
    ]
    assert warnings == [f"{name}，第34行，答案字段：答案“Cat”（50%）未导入：填空题只接受完全正确的答案",
                        f"{name}，第34行，答案字段：答案“*”（0%）未导入：填空题只接受完全正确的答案"]
    explanations = [item.draft.explanation_md for item in bank.items]
    assert explanations[0] == "- A：right; good!\n- B：wrong, it's yellow\n- C：wrong, it's yellow"
    # True/false feedback: Moodle shows the first to whoever answers wrongly (here "true").
    assert explanations[3] == ("This is, of course, a Hitchiker's Guide to the Galaxy reference.\n\n"
                               "- 答“对”：42 is the Ultimate Answer.\n- 答“错”：You gave the right answer.")


def test_moodle_gift_categories_that_are_not_chapters_become_tags():
    name = "moodle-gift-questions_in_category.gift.txt"
    bank, questions, problems, warnings = read_fixture(name, default_chapter=3)
    assert questions == [
        ("Greeting", "single", '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this '
         "greeting:</a><br /><br />What language is being spoken?",
         [("A", "English"), ("B", "French"), ("C", "German"), ("D", "Spanish")], "B"),
        ("Moodle user", "fill_blank", "Anyone who uses Moodle is a ... ___", [], [["Moodler"]]),
        ("Moodle acronym", "true_false", "Moodle is an acronym for <span style=\"font-style: italic;\">Modular "
         "Object-Oriented Dynamic Learning Environment</span>.", [], True),
    ]
    assert problems == [f"{name}，第5行：不支持匹配题（… -> …）"] and warnings == []
    assert {(item.draft.chapter_number, tuple(item.draft.tags)) for item in bank.items} == {
        (3, ("Default for New Features",))}


def test_moodle_aiken_fixture_is_recognised_by_content_and_shows_its_text_as_written():
    bank, questions, problems, _ = read_fixture("moodle-aiken-questions.aiken.txt", default_chapter=2)
    assert bank.note == "文件内容是 Aiken 格式，已按该格式读取。"
    assert questions == [
        (None, "single", "The Moodle project was started by:",
         [("A", "Petr Skoda"), ("B", "Martin Dougiamas"), ("C", "Eloy Lafuente"), ("D", "Tim Hunt")], "B"),
        # The "<" is escaped for Markdown, so the page shows <html class="cool"> instead of dropping it.
        (None, "single", "Moodle's abilities include handling user input that includes &lt;html class=\"cool\"> "
         "& images:", [("A", "True"), ("B", "False")], "A"),
    ]
    assert problems == []


def test_moodle_aiken_errors_fixture_reports_each_broken_question_and_reads_the_good_ones():
    name = "moodle-aiken-errors.txt"
    _bank, questions, problems, _ = read_fixture(name, default_chapter=1)
    assert [q for q in questions if q[2] != "A question with too few answers"] == [
        (None, "single", "A good question", [("A", "Correct"), ("B", "Incorrect")], "A"),
        (None, "single", "A second good question", [("A", "Incorrect (No space)"), ("B", "Correct (No space)")], "B"),
    ]
    assert problems == [
        f"{name}，第1行，选项字段：选择题至少要有2个选项",
        f"{name}，第5行：选项前缺少题干",
        f"{name}，第7行：ANSWER 行前缺少题干",
        f"{name}，第14行：这道题缺少“ANSWER: 字母”一行（每道题的选项之后都要有）",
    ]


def test_chinese_gift_file_follows_moodle_semantics_question_by_question():
    name = "zh-gift-semantics.gift"
    bank, questions, problems, warnings = read_fixture(name, default_chapter=4)
    long_key = ("关于党支部委员会会议召开条件的判断题" * 4)[:71] + "-a3c32d9d"
    assert questions == [
        # 1. "=" makes it single choice: C is the key; B's 50 % is partial credit, dropped with a warning.
        ("w-single", "single", "党员大会一般多久召开一次？", [("A", "每月"), ("B", "每半年"), ("C", "每季度")], "C"),
        # 1. No "=": the positive weights are the keys; a negative weight is a wrong option.
        ("w-multiple", "multiple", "下列属于党支部工作机制的有",
         [("A", "党员大会"), ("B", "支部委员会会议"), ("C", "党员代表大会")], ["A", "B"]),
        # 1. Short answer: only 100 % answers are accepted.
        ("w-short", "fill_blank", "党员大会一般每___召开1次。", [], [["季度", "季"]]),
        # 3. Missing word: a visible blank where the braces were.
        ("missing-word", "single", "党员大会一般每（\u3000）召开1次。", [("A", "月"), ("B", "季度"), ("C", "年")], "B"),
        # 5. A title longer than the key column gets a stable derived key.
        (long_key, "true_false", "支部委员会会议须有半数以上委员到会方能召开。", [], True),
        # 7. [html] kept for the sanitizer, whitespace inside <pre> kept.
        ("html", "true_false", "<div>\n<p>下面的 <b>代码</b> 保留缩进：</p>\n<pre>\n第一行\n    缩进一级\n        缩进两级\n</pre>\n</div>",
         [], False),
        # 7. Plain "<" escaped, "\\" is one backslash, [html] options shown as their text.
        ("plain", "single", "若 x&lt;y and a>b，则 C:\\ 与 {甲} 中正确的是", [("A", "x 小于 y"), ("B", "x 大于 y")], "A"),
    ]
    assert problems == [
        f"{name}，第17行：不支持匹配题（… -> …）",  # 2. refused, never turned into 填空
        f"{name}，第22行：不支持数值题（{{#…}}）",
        f"{name}，第24行：不支持数值题（{{#…}}）",
        f"{name}，第42行：一道题里有第二个答案部分 {{…}}：两道题之间要空一行",  # 6.
    ]
    assert warnings == [
        f"{name}，第5行，答案字段：选项B的部分得分（50%）未导入，按错误选项计分",
        f"{name}，第13行，答案字段：答案“半年”（50%）未导入：填空题只接受完全正确的答案",
        f"{name}，第27行，编号字段：标题超过80个字符，编号改为“{long_key}”",
    ]
    drafts = [item.draft for item in bank.items]
    # 4. A category that is not "4/12" or "第4章/第12条" is a tag; the form's chapter applies.
    assert (drafts[0].chapter_number, drafts[0].article_number, drafts[0].tags) == (4, None, ["会议制度", "2024年第3期/第2单元"])
    assert (drafts[4].chapter_number, drafts[4].article_number, drafts[4].tags) == (4, 12, [])
    # 7. Per-answer and true/false feedback are kept in the explanation.
    assert drafts[5].explanation_md == "第十二条。\n\n- 答“对”：选“对”时看到的反馈\n- 答“错”：选“错”时看到的反馈"
    assert drafts[6].explanation_md == "- A：对，x&lt;y。\n- B：错。"
    assert len(long_key) == 80


def test_imported_text_renders_with_its_meaning():
    from studyapp.domain.rendering import render_markdown

    bank, *_ = read_fixture("zh-gift-semantics.gift", default_chapter=4)
    html_stem, plain_stem = (item.draft.stem_md for item in bank.items[5:7])
    assert "<pre>第一行\n    缩进一级\n        缩进两级\n</pre>" in render_markdown(html_stem)
    assert "x&lt;y and a&gt;b" in render_markdown(plain_stem) and "C:\\ 与 {甲}" in render_markdown(plain_stem)
