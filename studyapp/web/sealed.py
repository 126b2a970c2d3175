"""State the server hands a member and takes back, so that no server memory holds it: a practice set
(encrypted and signed) and the stamp of when a chapter was opened (signed). The website and the JSON API
hand out and accept the same tokens, so a set started on one can go on in the other.

The practice set is encrypted, not only signed: readable question ids would let a member match a practice
set against an exam paper.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import json
import secrets
from datetime import datetime, timezone

from flask import current_app
from itsdangerous import BadSignature, Serializer, URLSafeSerializer
from itsdangerous.encoding import base64_encode

# ---- sealing: encrypted and signed ------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="practice-set")


def _keystream(nonce: bytes, length: int) -> bytes:
    # SHAKE-256 keyed with a key derived from the app secret and a fresh nonce: a stream cipher from
    # the standard library (the signature from itsdangerous authenticates the ciphertext).
    secret = hashlib.sha256(b"practice-set-seal:" + str(current_app.config["SECRET_KEY"]).encode()).digest()
    return hashlib.shake_256(secret + nonce).digest(length)


def seal(data: dict) -> str:
    plain = json.dumps(data, separators=(",", ":")).encode()
    nonce = secrets.token_bytes(16)
    sealed = nonce + bytes(a ^ b for a, b in zip(plain, _keystream(nonce, len(plain))))
    return _serializer().dumps(base64.urlsafe_b64encode(sealed).decode())


def unseal(token: str) -> object:
    """The data in a token made by seal(); BadSignature for anything else."""
    sealed = base64.urlsafe_b64decode(_serializer().loads(token).encode())
    nonce, body = sealed[:16], sealed[16:]
    try:
        return json.loads(bytes(a ^ b for a, b in zip(body, _keystream(nonce, len(body)))))
    except ValueError:
        raise BadSignature("damaged") from None


# ---- a practice set: whose, its title, question ids, position, running tally ---------------------------
#
# Keys: u user id, t title, q question ids, i position of the question to answer next, ok answered right,
# n answered, at when the question at i was handed out (server time; an answer to it given since then
# is that step's answer, see services.practice.answer_once).


def dump_set(user_id: int, title: str, ids: list[int], asked_at: datetime, index: int = 0, correct: int = 0,
             answered: int = 0) -> str:
    return seal({"u": user_id, "t": title, "q": ids, "i": index, "ok": correct, "n": answered,
                 "at": asked_at.astimezone(timezone.utc).isoformat()})


def load_set(token: object, user_id: int) -> dict | None:
    """The set in the token; None for a forged or damaged token, or one sealed for someone else."""
    if not isinstance(token, str):
        return None
    try:
        data = unseal(token)
    except (BadSignature, ValueError, TypeError, AttributeError):
        return None
    if not isinstance(data, dict) or data.get("u") != user_id:
        return None
    return data


def asked_at(data: dict) -> datetime | None:
    """When the question at the set's position was handed out (None in a token that does not say)."""
    try:
        return datetime.fromisoformat(data["at"])
    except (KeyError, TypeError, ValueError):
        return None


def advance(data: dict, correct: bool | None, at: datetime, steps: int = 1) -> str:
    """The token `steps` questions further on, handing out the next question `at`: after an answer
    (`correct`; `at` is when it was given), or past questions no longer available (correct None)."""
    return dump_set(data["u"], data["t"], data["q"], at, data["i"] + steps, data["ok"] + bool(correct),
                    data["n"] + (correct is not None))


# ---- when a chapter was opened: the base of reading-time credit ----------------------------------------


def _opened_stamps() -> URLSafeSerializer:
    return _stamps_for(current_app.config["SECRET_KEY"])


class _Stamps(URLSafeSerializer):
    """URLSafeSerializer that does not try zlib on what it signs: a stamp (three numbers) is always too short
    for compression to pay, and trying cost more than the signature. A stamp reads the same either way (and
    a compressed one would still load)."""

    def dump_payload(self, obj) -> bytes:
        return base64_encode(Serializer.dump_payload(self, obj))


@functools.lru_cache(maxsize=4)
def _stamps_for(secret: str) -> URLSafeSerializer:
    # One per key: every chapter page stamps its reading-time URL, and building the serializer (its
    # key derivation) cost more than the stamp.
    return _Stamps(secret, salt="study-time-opened")


def reading_stamp(user_id: int, chapter_id: int, opened: datetime) -> str:
    """Who opened which chapter when (server time), for their reading-time reports to bring back."""
    return _opened_stamps().dumps({"u": user_id, "c": chapter_id, "o": opened.timestamp()})


def opened_at(stamp: object, user_id: int, chapter_id: int) -> datetime | None:
    """When this member opened this chapter, from a stamp made by reading_stamp(); None if it is not one."""
    try:
        found = _opened_stamps().loads(stamp if isinstance(stamp, str) else "")
        if found["u"] == user_id and found["c"] == chapter_id:
            return datetime.fromtimestamp(float(found["o"]), tz=timezone.utc)
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError):
        pass
    return None
