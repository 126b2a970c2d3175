"""Which new passwords are refused, and why (in Chinese)."""
from studyapp.domain.common_passwords import common_passwords
from studyapp.domain.passwords import password_problem


def test_the_common_list_holds_the_top_ten_thousand_and_chinese_favourites():
    words = common_passwords()
    assert len(words) >= 10_000
    assert {"12345678", "password", "1qaz2wsx", "woaini1314", "qq123456", "a123456789"} <= words


def test_common_passwords_are_refused_whatever_the_case():
    for password in ("12345678", "PASSWORD1", "Qwertyuiop", "88888888", "woaini1314"):
        assert password_problem(password, "dy001") == "这个密码太常见，很容易被猜中，请换一个", password


def test_personal_passwords_are_refused():
    assert password_problem("xDY001-home", "dy001") == "密码不能包含登录名"
    assert password_problem("13800001111", "dy001", phone="+86 138-0000-1111") == "密码不能包含手机号"
    assert password_problem("阿卜杜热合曼·买买提", "dy001", name="阿卜杜热合曼·买买提") == "密码不能与姓名相同"
    assert password_problem("1234567", "dy001") == "密码至少需要8个字符"


def test_a_reasonable_password_is_accepted():
    assert password_problem("紫竹院-晨读-7", "dy001", phone="13800001111", name="王建国") is None
    assert password_problem("correct-horse-7", "dy001") is None
