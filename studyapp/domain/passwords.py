"""Password and one-time-code hashing.

Chosen passwords use argon2id at one of OWASP's equivalent minimum settings (9 MiB, 4 passes, 1 lane):
slow enough to resist offline guessing, cheap enough for a login storm on a small server. Of the
settings OWASP lists as equivalent, this one cost the least CPU per verification here (about 31 ms
against 41 ms for 19 MiB / 2 passes; bench/hashing.py), which is what bounds 1,000 members logging in
at once. Hashes made with other parameters still verify and are re-hashed at the next login.
Initial credentials handed out by roster import are random 64-bit one-time codes; a fast SHA-256
is enough for those (they cannot be guessed offline any faster than online) and keeps importing
10,000 members to seconds.  Older werkzeug hashes still verify and are upgraded at next login.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

from .common_passwords import is_common

_hasher = PasswordHasher(time_cost=4, memory_cost=9216, parallelism=1)
MIN_LENGTH = 8
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def new_one_time_code(length: int = 12) -> str:
    """A random code of about 59 bits, easy to read from a printed slip."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def hash_one_time_code(code: str) -> str:
    return "otp$" + hashlib.sha256(code.encode()).hexdigest()


def is_one_time_code(stored: str) -> bool:
    """True for the hash of a one-time code (cheap to check, unlike a chosen password's)."""
    return stored.startswith("otp$")


def verify(stored: str, candidate: str) -> bool:
    """True when candidate matches the stored hash of any supported scheme."""
    if stored.startswith("otp$"):
        digest = hashlib.sha256(candidate.strip().upper().encode()).hexdigest()
        return hmac.compare_digest(stored[4:], digest)
    if stored.startswith("$argon2"):
        try:
            return _hasher.verify(stored, candidate)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored, candidate)
    except ValueError:
        return False


def needs_rehash(stored: str) -> bool:
    """True for a chosen-password hash weaker or older than the current argon2id settings."""
    if stored.startswith("otp$"):
        return False
    if not stored.startswith("$argon2"):
        return True
    return _hasher.check_needs_rehash(stored)


def password_problem(password: str, username: str, phone: str | None = None, name: str | None = None) -> str | None:
    """Why a new password is unacceptable, in the user's language; None when it is fine."""
    lowered = password.lower()
    if len(password) < MIN_LENGTH:
        return f"密码至少需要{MIN_LENGTH}个字符"
    if password.strip() != password:
        return "密码首尾不能是空格"
    if username and username.strip().lower() in lowered:
        return "密码不能包含登录名"
    digits = "".join(ch for ch in phone or "" if ch.isdigit())[-11:]
    if len(digits) >= 7 and digits in password:
        return "密码不能包含手机号"
    if name and name.strip() and lowered == name.strip().lower():
        return "密码不能与姓名相同"
    if is_common(password):
        return "这个密码太常见，很容易被猜中，请换一个"
    if len(set(password)) < 4:
        return "密码过于简单，请混合使用字母、数字等字符"
    return None
