"""A failed login takes as long whatever its login id names: nobody, a deactivated account, an account
still on its one-time code, or one with a chosen password. Otherwise the timing would tell an attacker
which accounts exist and which have not chosen a password yet (their code is checked far faster)."""
from __future__ import annotations

import statistics
import time

from studyapp.domain import passwords

ROUNDS = 21


def test_failed_logins_cost_the_same_whatever_the_account(app, make_user, branch_a):
    make_user(branch_a, username="chosen")
    make_user(branch_a, username="fresh", password_hash=passwords.hash_one_time_code("ABCDEFGHJKMN"),
              must_change_password=True)
    make_user(branch_a, username="gone", active=False)
    kinds = {"nobody": "no-such-person", "deactivated": "gone", "one-time code": "fresh", "chosen": "chosen"}
    client = app.test_client()
    timings: dict[str, list[float]] = {kind: [] for kind in kinds}
    for kind, username in kinds.items():  # warm-up: first requests pay for imports and caches
        client.post("/login", data={"username": username, "password": "wrong-guess"})
    # The work a login does is what an attacker's stopwatch sees on an idle server. Measured as this
    # thread's CPU time (argon2 runs on it), so other processes loading a shared CI machine do not blur
    # it; interleaved, so a slower moment of the machine (frequency, caches) hits every kind alike.
    for _ in range(ROUNDS):
        for kind, username in kinds.items():
            start = time.thread_time()
            response = client.post("/login", data={"username": username, "password": "wrong-guess"})
            timings[kind].append(time.thread_time() - start)
            assert response.status_code == 200 and "登录名或密码不正确" in response.get_data(as_text=True)
    medians = {kind: statistics.median(values) for kind, values in timings.items()}
    assert max(medians.values()) <= 1.2 * min(medians.values()), {k: f"{v * 1000:.1f} ms" for k, v in medians.items()}
