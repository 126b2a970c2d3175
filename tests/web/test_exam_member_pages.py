"""What a member reads around an exam: the list while an attempt runs, the exam-only page, the result summary."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import FIXED_NOW
from tests.web.test_exams_member import put, setup, start  # noqa: F401 - setup is a fixture


def test_list_says_an_attempt_is_running_and_how_long_it_has(client, auth, member_a, setup, clock):  # noqa: F811
    _, sitting, _ = setup
    auth.login(member_a)
    listing = client.get("/exams/").get_data(as_text=True)
    assert "5月2日 16:00 截止" in listing and "还可作答 1 次" in listing  # the sitting closes a day later, 16:00 Beijing
    start(client, sitting)
    clock.now = FIXED_NOW + timedelta(minutes=18)
    listing = client.get("/exams/").get_data(as_text=True)
    assert "作答中，剩余 12 分钟" in listing and "继续作答" in listing
    assert "剩余作答次数" not in listing and "还可作答 0 次" not in listing


def test_exam_page_has_only_the_exam_header_and_submit_on_the_last_question(client, auth, member_a, setup):  # noqa: F811
    _, sitting, questions = setup
    auth.login(member_a)
    html = client.get(f"/exams/attempts/{start(client, sitting)}").get_data(as_text=True)
    assert 'aria-label="主导航"' not in html and "退出</button>" not in html  # nothing to leave by while the clock runs
    bar = html.split('class="exam-bar"')[1].split("</div>")[0]
    assert "剩余" in bar and "答题卡" in bar and 'form="exam-submit-form"' in bar and "交卷" in bar
    last = html.split(f'id="q-{len(questions)}"')[1].split("</section>")[0]
    assert 'form="exam-submit-form"' in last and "下一题" not in last


def test_result_starts_with_a_summary_and_can_show_only_the_misses(client, auth, member_a, setup, clock):  # noqa: F811
    _, sitting, q = setup
    auth.login(member_a)
    attempt_id = start(client, sitting)
    put(client, attempt_id, q["single"], "A", 1)        # wrong
    put(client, attempt_id, q["true_false"], True, 2)   # right; multiple and fill-in left blank
    client.post(f"/exams/attempts/{attempt_id}/submit")
    html = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    summary = html.split('class="result-tally"')[1].split("</dl>")[0]
    assert [part.split("</dd>")[0] for part in summary.split("<dd>")[1:]] == ["1", "1", "2"]  # 答对 答错 未答
    assert html.index("result-tally") < html.index("答案与解析")
    assert "10 分 · 不及格" in html and "及格线 24 分（60%）" in html
    assert html.count('class="panel review-item') == 4 and "只看错题（3）" in html
    only = client.get(f"/exams/attempts/{attempt_id}/result?only=wrong").get_data(as_text=True)
    assert only.count('class="panel review-item is-wrong') == 3 and "review-item is-right" not in only
    assert only.count("○ 未作答") == 2 and only.count("✗ 错误") == 1


def test_records_and_home_write_the_score_the_same_way(client, auth, member_a, setup):  # noqa: F811
    _, sitting, q = setup
    auth.login(member_a)
    attempt_id = start(client, sitting)
    put(client, attempt_id, q["single"], "B", 1)
    client.post(f"/exams/attempts/{attempt_id}/submit")
    assert "10 分 · 不及格" in client.get("/exams/records").get_data(as_text=True)
    assert "10 分 · 不及格" in client.get("/").get_data(as_text=True)


def test_home_leads_with_the_open_exam(client, auth, member_a, setup, clock):  # noqa: F811
    _, sitting, _ = setup
    auth.login(member_a)
    home = client.get("/").get_data(as_text=True)
    task = home.split('id="home-task"')[1].split("</section>")[0]
    assert "条例知识测试" in task and "5月2日 16:00 截止" in task and "去考试" in task
    assert home.index('id="home-task"') < home.index('id="home-daily"')
    start(client, sitting)
    clock.now = FIXED_NOW + timedelta(minutes=10)
    task = client.get("/").get_data(as_text=True).split('id="home-task"')[1].split("</section>")[0]
    assert "剩余 20 分钟" in task and "继续作答" in task
