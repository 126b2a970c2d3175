"""A compressed sitting for locust (headless): each simulated member logs in, opens the exam list,
starts, loads the paper, saves an answer to every question and submits, once, with no think time.

Environment: BENCH_USERS_FILE (one username a line, one simulated member each), BENCH_PASSWORD,
BENCH_SITTING, BENCH_ACKS (where the acknowledged saves and submits are written for the database check).
The run ends when every member has submitted.
"""
from __future__ import annotations

import itertools
import json
import os
import threading

import gevent

from locust import events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

from client import answer_for, csrf_of, parse_paper  # bench/ is on sys.path (run.py sets PYTHONPATH)

USERNAMES = [line.strip() for line in open(os.environ["BENCH_USERS_FILE"]) if line.strip()]
PASSWORD = os.environ["BENCH_PASSWORD"]
SITTING = int(os.environ["BENCH_SITTING"])
_next = itertools.count()
_lock = threading.Lock()
ACKS = {"saves": [], "submits": [], "failed_members": []}
finished = [0]


class Member(FastHttpUser):
    # FastHttpUser: the load generator shares the two cores with the server, and requests-based users
    # cost it several times more CPU per request.
    @task
    def sit(self):
        index = next(_next)
        if index >= len(USERNAMES):
            raise StopUser()
        try:
            self._sit(USERNAMES[index])
        except Exception as exc:  # counted by locust too; recorded so the check can name the member
            with _lock:
                ACKS["failed_members"].append([USERNAMES[index], repr(exc)[:200]])
        finally:
            with _lock:
                finished[0] += 1
                if finished[0] >= len(USERNAMES):
                    gevent.spawn(self.environment.runner.quit)  # not from inside a user being stopped
        # The simulated user takes the next member on its next run of the task.

    def _check(self, reply, name, expect=(200,)):
        if reply.status_code not in expect:
            raise RuntimeError(f"{name}: HTTP {reply.status_code}")
        return reply

    def _sit(self, username):
        self.client.cookiejar.clear()  # a new member, a new browser
        page = self._check(self.client.get("/login", name="1 GET /login"), "login form")
        token = csrf_of(page.text)
        self._check(self.client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                                     name="2 POST /login", allow_redirects=False), "login", (302,))
        token = csrf_of(self._check(self.client.get("/exams/", name="3 GET /exams/"), "exam list").text)
        started = self._check(self.client.post(f"/exams/sittings/{SITTING}/start", data={"csrf_token": token},
                                               name="4 POST start", allow_redirects=False), "start", (302,))
        where = started.headers["Location"]
        if "/attempts/" not in where:
            raise RuntimeError(f"start refused: {where}")
        attempt_id = int(where.rstrip("/").split("/attempts/")[1].split("/")[0])
        paper = self._check(self.client.get(f"/exams/attempts/{attempt_id}", name="5 GET paper"), "paper").text
        token = csrf_of(paper)
        headers = {"X-CSRFToken": token, "Accept": "application/json"}
        for n, question in enumerate(parse_paper(paper), start=1):
            reply = self._check(self.client.put(
                f"/exams/attempts/{attempt_id}/answers/{question['qid']}", name="6 PUT answer", headers=headers,
                json={"answer": answer_for(question, n), "seq": n}), "save")
            if reply.json().get("seq") is not None:
                with _lock:
                    ACKS["saves"].append([attempt_id, question["qid"], n])
        reply = self._check(self.client.post(f"/exams/attempts/{attempt_id}/submit", name="7 POST submit",
                                             headers=headers), "submit")
        with _lock:
            ACKS["submits"].append([username, attempt_id, reply.json()["score"]])


@events.quitting.add_listener
def _write_acks(environment, **_):
    with open(os.environ["BENCH_ACKS"], "w") as out:
        json.dump(ACKS, out)
