"""Passwords too common to protect an account: guessed first by anyone who tries.

The 10,000 most common passwords of the xato/SecLists list as shipped by the maintained `zxcvbn`
package, plus passwords common in Chinese leaks (CSDN, 178, 7k7k top lists) that the English-centred
list ranks lower or lacks: pinyin, dates and keyboard walks on a Chinese keyboard. Compared in lower case.
"""
from __future__ import annotations

import functools

TOP = 10_000

#: Kept in the repository: frequent in Chinese password leaks, at least 8 characters (shorter ones are
#: refused by length anyway).
CHINESE = """
123456789 12345678 11111111 dearbook 00000000 123123123 1234567890 88888888 111111111 147258369
987654321 aaaaaaaa 1111111111 66666666 a123456789 11223344 1qaz2wsx xiazhili 789456123 password
87654321 qqqqqqqq 000000000 qwertyuiop qq123456 iloveyou 31415926 12344321 0000000000 asdfghjkl
1q2w3e4r 123456abc 0123456789 123654789 12121212 qazwsxedc abcd1234 12341234 110110110 asdasdasd
22222222 123321123 abc123456 a12345678 123456123 a1234567 1234qwer qwertyui 123456789a 99999999
woaini1314 woaini520 wo123456 woaini123 5201314520 1314520520 520520520 woaiwojia zhang123456
wang123456 li123456 liu123456 chen123456 yang123456 zhao123456 huang123456 zhou123456 wu123456
a11111111 aa123456 aa12345678 qwe123456 qweasdzxc 1qazxsw2 zxcvbnm123 abc12345678 admin123
admin888 admin1234 administrator passw0rd password1 p@ssw0rd 123qweasd 12qwaszx 1a2b3c4d
q1w2e3r4 a1b2c3d4 iloveyou1 beijing2008 beijing123 shanghai123 zhongguo zhongguo123 china123
dangyuan dangyuan123 gongchandang 19491001 19210701 20210701 88888888a 66668888 77777777 55555555
33333333 44444444 12345678a 123456aa 1234abcd 147852369 159357456 741852963 963852741 369258147
""".split()


@functools.cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"][:TOP]) | frozenset(CHINESE)


def is_common(password: str) -> bool:
    return password.lower() in common_passwords()
