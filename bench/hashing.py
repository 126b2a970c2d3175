"""Password hashing cost on this machine: argon2id at the app's parameters vs alternatives.

    python bench/hashing.py [--seconds 3]

Prints ms per verification (one core) and the verifications per second all cores manage together,
which bounds the login storm: 1,000 logins need 1,000 verifications.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor

from argon2 import PasswordHasher
from werkzeug.security import check_password_hash, generate_password_hash

PASSWORD = "correct horse battery"
SCHEMES = {
    "argon2id m=19MiB t=2 p=1 (OWASP minimum)": ("argon2", dict(time_cost=2, memory_cost=19456, parallelism=1)),
    "argon2id m=46MiB t=1 p=1 (OWASP alternative)": ("argon2", dict(time_cost=1, memory_cost=47104, parallelism=1)),
    "argon2id m=12MiB t=3 p=1 (OWASP alternative)": ("argon2", dict(time_cost=3, memory_cost=12288, parallelism=1)),
    "argon2id m=9MiB t=4 p=1 (app, OWASP equivalent)": ("argon2", dict(time_cost=4, memory_cost=9216, parallelism=1)),
    "argon2id m=7MiB t=5 p=1 (OWASP alternative)": ("argon2", dict(time_cost=5, memory_cost=7168, parallelism=1)),
    "argon2id m=64MiB t=3 p=4 (argon2-cffi default)": ("argon2", dict(time_cost=3, memory_cost=65536, parallelism=4)),
    "werkzeug scrypt default (old hashes)": ("werkzeug", {}),
}


def _verifier(kind: str, params: dict):
    if kind == "argon2":
        hasher = PasswordHasher(**params)
        stored = hasher.hash(PASSWORD)
        return lambda: hasher.verify(stored, PASSWORD)
    stored = generate_password_hash(PASSWORD)
    return lambda: check_password_hash(stored, PASSWORD)


def _count(kind: str, params: dict, seconds: float) -> int:
    verify = _verifier(kind, params)
    verify()
    done, until = 0, time.perf_counter() + seconds
    while time.perf_counter() < until:
        verify()
        done += 1
    return done


def measure(seconds: float = 3.0) -> dict:
    cores = os.cpu_count() or 1
    out = {"cores": cores, "loadavg": os.getloadavg()[0], "schemes": {}}
    for name, (kind, params) in SCHEMES.items():
        single = _count(kind, params, seconds)
        with ProcessPoolExecutor(cores) as pool:
            together = sum(pool.map(_count, [kind] * cores, [params] * cores, [seconds] * cores))
        per_s = together / seconds
        out["schemes"][name] = {"ms_per_verify": round(seconds / single * 1000, 1),
                                "verifies_per_s_all_cores": round(per_s, 1),
                                "seconds_for_1000_logins": round(1000 / per_s, 1)}
    out["sha256_one_time_code_us"] = round(min(
        _time(lambda: hashlib.sha256(b"ABCDEFGHJKMN").hexdigest()) for _ in range(5)) * 1e6, 2)
    return out


def _time(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    result = measure(parser.parse_args().seconds)
    print(json.dumps(result, ensure_ascii=False, indent=2))
