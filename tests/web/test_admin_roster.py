"""Roster import in the browser: template, good and bad files, credentials download."""
import base64
import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from studyapp.domain import passwords
from studyapp.domain.roster import parse_roster
from studyapp.models import Unit, User

HEADER = "姓名,党员编号,所属支部,手机号,角色\n"


def upload(client, data: bytes, filename="名册.csv"):
    return client.post("/admin/roster", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def data_links(page: str) -> dict[str, bytes]:
    """The credentials files embedded in the result page, by download name suffix."""
    found = {}
    for name, payload in re.findall(r'href="data:[^;]+;base64,([^"]+)" download="([^"]+)"', page):
        found[payload.rsplit(".", 1)[1]] = base64.b64decode(name)
    return found


def test_template_downloads_parse_back(client, auth, admin):
    auth.login(admin)
    for fmt in ("xlsx", "csv"):
        response = client.get(f"/admin/roster/template.{fmt}")
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]
        assert parse_roster(response.data, f"t.{fmt}")[0].name == "张三"
    assert client.get("/admin/roster/template.pdf").status_code == 404


def test_good_csv_imports_and_offers_credentials(client, auth, admin, db, branch_a):
    auth.login(admin)
    page = client.get("/admin/roster").get_data(as_text=True)
    assert "下载模板（.xlsx）" in page and "姓名" in page
    text = HEADER + "王建国,DY001,第一党支部,,\n李秀英,DY002,第九党支部,13800001111,组织员\n"
    response = upload(client, text.encode("gbk"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "名册导入完成" in page
    assert "新建账号</dt><dd>2 人" in page and "第九党支部" in page
    assert response.headers["Cache-Control"] == "no-store"
    files = data_links(page)
    assert set(files) == {"xlsx", "csv"}
    assert files["csv"].startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert rows[0][0] == "登录名" and [r[0] for r in rows[1:]] == ["DY001", "DY002"]
    sheet = load_workbook(io.BytesIO(files["xlsx"])).active
    assert [c.value for c in sheet[2]][:3] == ["DY001", "王建国", "第一党支部"]
    code = rows[2][3]
    db.session.rollback()  # end the test's read snapshot; the request committed in its own session
    li = db.session.scalar(select(User).where(User.username == "DY002"))
    assert passwords.verify(li.password_hash, code) and code not in li.password_hash and li.must_change_password
    assert sheet.cell(3, 4).value == code

    again = upload(client, text.encode("utf-8")).get_data(as_text=True)
    assert "无变化</dt><dd>2 人" in again and "没有新建账号" in again and not data_links(again)
    assert db.session.scalar(select(func.count()).select_from(User)) == 3


def test_good_xlsx_imports(client, auth, admin, db):
    from studyapp.domain import sheets

    auth.login(admin)
    data = sheets.to_xlsx(["姓名", "登录名", "所属支部"], [["王建国", "wjg", "第一党支部"]])
    page = upload(client, data, "roster.xlsx").get_data(as_text=True)
    assert "新建账号</dt><dd>1 人" in page
    db.session.rollback()  # end the test's read snapshot; the request committed in its own session
    assert db.session.scalar(select(User).where(User.username == "wjg")).unit.name == "第一党支部"


def test_bad_file_lists_every_problem_and_imports_nothing(client, auth, admin, db):
    auth.login(admin)
    text = HEADER + "王建国,DY001,第一党支部,,\n,DY002,新支部,,\n李秀英,DY001,第一党支部,12,书记\n"
    page = upload(client, text.encode()).get_data(as_text=True)
    assert "名册有问题，未导入任何人员" in page
    for expected in ("名册.csv，第3行，“姓名”列：姓名不能为空", "名册.csv，第2行，“党员编号”列",
                     "名册.csv，第4行，“党员编号”列", "名册.csv，第4行，“手机号”列", "名册.csv，第4行，“角色”列"):
        assert expected in page
    db.session.rollback()  # end the test's read snapshot; the request committed in its own session
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the admin only
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 1  # no 新支部, no 第一党支部


def test_wrong_file_type_is_refused(client, auth, admin):
    auth.login(admin)
    page = upload(client, b"x", "roster.xls").get_data(as_text=True)
    assert "只支持 .xlsx 或 .csv 文件" in page and "名册导入完成" not in page
