"""Command line: create-admin, import-members, demo."""
import csv

from sqlalchemy import func, select

from studyapp.domain import passwords
from studyapp.models import OrganizerScope, Unit, User

HEADER = "姓名,党员编号,所属支部,手机号,角色\n"


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_admin(runner, db):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--name", "书记", "--password", "s3cret-pass-1"])
    assert result.exit_code == 0, result.output
    assert "已创建管理员 boss" in result.output
    boss = db.session.scalar(select(User).where(User.username == "boss"))
    assert boss.role == "admin" and boss.unit.kind == "organization" and passwords.verify(boss.password_hash, "s3cret-pass-1")
    again = runner.invoke(args=["create-admin", "--username", "boss", "--name", "x", "--password", "s3cret-pass-1"])
    assert again.exit_code != 0 and "已存在" in again.output


def test_create_admin_refuses_weak_password(runner, db):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--name", "书记", "--password", "short"])
    assert result.exit_code != 0 and "至少需要8个字符" in result.output and count(db, User) == 0


def test_import_members_writes_credentials_that_log_in(runner, db, tmp_path, client):
    roster = tmp_path / "名册.csv"
    roster.write_bytes((HEADER + "王建国,DY001,第一党支部,,组织员\n李秀英,DY002,第二党支部,13800001111,\n").encode("gbk"))
    result = runner.invoke(args=["import-members", str(roster), "--organization", "某机关党委"])
    assert result.exit_code == 0, result.output
    assert "新建 2 人" in result.output and "新建支部 2 个" in result.output
    out = tmp_path / "名册-credentials.csv"
    assert out.exists() and str(out) in result.output
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "登录名" and {r[0] for r in rows[1:]} == {"DY001", "DY002"}
    org = db.session.scalar(select(Unit).where(Unit.name == "某机关党委"))
    assert org.kind == "organization" and {c.name for c in org.children} == {"第一党支部", "第二党支部"}
    assert count(db, OrganizerScope) == 1
    code = dict((r[0], r[3]) for r in rows[1:])["DY002"]
    response = client.post("/login", data={"username": "DY002", "password": code})
    assert response.headers["Location"] == "/password"  # must choose a password first

    again = runner.invoke(args=["import-members", str(roster), "--organization", "某机关党委",
                                "--credentials", str(tmp_path / "second.csv")])
    assert again.exit_code == 0 and "未变 2 人" in again.output and not (tmp_path / "second.csv").exists()
    assert count(db, User) == 2


def test_import_members_bad_file_lists_every_problem_and_imports_nothing(runner, db, tmp_path):
    roster = tmp_path / "bad.csv"
    roster.write_text(HEADER + "王建国,DY001,第一党支部,,\n,DY002,第一党支部,,\n李秀英,DY001,第一党支部,123,\n",
                      encoding="utf-8")
    result = runner.invoke(args=["import-members", str(roster)])
    assert result.exit_code == 1
    assert "bad.csv，第3行，“姓名”列：姓名不能为空" in result.output
    assert "bad.csv，第2行，“党员编号”列" in result.output and "bad.csv，第4行，“党员编号”列" in result.output
    assert "bad.csv，第4行，“手机号”列" in result.output
    assert "共 4 个问题，未导入任何人员" in result.output
    assert count(db, User) == 0 and count(db, Unit) == 0
    assert not (tmp_path / "bad-credentials.csv").exists()


def test_demo_is_idempotent(runner, db, client):
    first = runner.invoke(args=["demo", "--password", "demo-pass-42"])
    assert first.exit_code == 0, first.output
    counts = (count(db, User), count(db, Unit), count(db, OrganizerScope))
    second = runner.invoke(args=["demo", "--password", "demo-pass-42"])
    assert second.exit_code == 0 and "未做更改" in second.output
    assert (count(db, User), count(db, Unit), count(db, OrganizerScope)) == counts == (202, 6, 1)
    members = db.session.scalars(select(User).where(User.role == "member")).all()
    assert len(members) == 200 and len({m.unit_id for m in members}) >= 5
    organizer = db.session.scalar(select(User).where(User.username == "organizer1"))
    assert [s.unit_id for s in organizer.scopes] == [organizer.unit_id] and organizer.unit.name == "第一党支部"
    assert db.session.scalar(select(User).where(User.username == "admin")).role == "admin"
    response = client.post("/login", data={"username": "member0200", "password": "demo-pass-42"})
    assert response.headers["Location"] == "/"


def test_demo_has_people_with_names_and_something_on_every_menu(runner, db):
    """Varied names (no ten 李国庆), organizer1 named like a person, a contest open now and a group-study
    session today, each made once."""
    from datetime import timedelta

    from studyapp.models.contests import Contest
    from studyapp.models.group_study import StudySession
    from studyapp.models.types import utcnow

    assert runner.invoke(args=["demo", "--password", "demo-pass-42"]).exit_code == 0
    names = db.session.scalars(select(User.name).where(User.role == "member")).all()
    assert len(set(names)) == len(names) == 200
    organizer = db.session.scalar(select(User).where(User.username == "organizer1"))
    assert "组织员" not in organizer.name and 2 <= len(organizer.name) <= 3
    moment = utcnow()
    contest = db.session.scalar(select(Contest))
    assert contest.opens_at <= moment < contest.closes_at
    # The 集中学习 session of the group-study page (the ledger's demo adds sign-in windows of its own meetings).
    study = next(s for s in db.session.scalars(select(StudySession)) if s.chapters)
    assert moment < study.starts_at < moment + timedelta(hours=3) and study.units
    sessions = count(db, StudySession)
    again = runner.invoke(args=["demo", "--password", "demo-pass-42"])
    assert "演示竞赛和集中学习已存在，未做更改" in again.output
    assert (count(db, Contest), count(db, StudySession)) == (1, sessions)
