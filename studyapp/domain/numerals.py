"""Chinese numerals as used in article and chapter numbers (一 … 九十九, 一百零一, 两千)."""
from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_chinese_number(text: str) -> int | None:
    """`二十三` → 23, `十一` → 11, `一百零五` → 105; None if the text is not a well-formed numeral."""
    if not text:
        return None
    total, digit, last_unit = 0, None, 10_000
    for char in text:
        if char in DIGITS:
            if digit is not None and DIGITS[char] != 0:
                return None  # two digits in a row such as 二三
            digit = DIGITS[char] if DIGITS[char] else None
        elif char in UNITS:
            unit = UNITS[char]
            if unit >= last_unit:
                return None  # 十百, 十十
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None:
        total += digit
    return total or None
