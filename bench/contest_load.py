"""Contest leaderboard read while rounds are being submitted, with a few thousand players on the board.

build_db.py seeds a contest open now with a few thousand players' finished rounds. Here live players
(the end of the roster, which no other scenario logs in) play whole rounds over HTTP as fast as they
can, each step as a browser does it: POST start, GET the question (its clock starts there), POST the
answer asking for JSON, and the result page at the end. Meanwhile wrk replays GET /contests/<id>/board
with the live players' cookies, so every read ranks "me" as well as the top 20 and the branch board.
Writer threads finish the round they are in when the read ends: no round is left half played.

Afterwards `check` reads the database: every round a writer saw finish is finished, and the standings
hold exactly one row per member and board, the member's best counted round.
"""
from __future__ import annotations

import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from client import USER_AGENT, Member, csrf_of, login
from harness import Result

#: Live players (fewer when the roster leaves less room after the other scenarios' members).
LIVE_PLAYERS = 150
#: Writer threads, each playing its share of the live players one round after another.
WRITERS = 8
#: Consecutive failed requests after which a writer gives a round up (it is then reported, never hidden).
GIVE_UP_AFTER = 5
#: A member retries a failed step after a moment, a little longer each time.
BACKOFF_S = 0.2

ROUND_URL = re.compile(r"/contests/rounds/(\d+)$")
POSITION = re.compile(r'name="position" value="(\d+)"')
CHOICE = re.compile(r'type="(radio|checkbox)" name="answer" value="([^"]+)"')
BLANK = re.compile(r'name="blank"')
TITLE = re.compile(r"<title>([^<]*)</title>")
MY_RANK = re.compile(r"我的排名：第 <strong>(\d+)</strong> 名 / 共 (\d+) 人")


@dataclass
class Player:
    member: Member
    rounds_left: int


@dataclass
class Writer:
    """One writer thread's tally; the main thread reads it only after join()."""

    players: list[Player]
    finished: list[tuple[str, int, float]] = field(default_factory=list)  # username, round id, monotonic time
    started: list[tuple[str, int]] = field(default_factory=list)
    abandoned: list[tuple[str, int | None]] = field(default_factory=list)
    sent: list[float] = field(default_factory=list)  # monotonic time of each request
    answers: list[tuple[float, float]] = field(default_factory=list)  # (monotonic time, ms) of each answer POST
    errors: list[str] = field(default_factory=list)
    out_of_rounds: bool = False


def live_usernames(args, info: dict) -> list[str]:
    """The end of the roster: run.py's wrk members are m00001.., the locust sitting's come next."""
    used = args.logins + args.sitting
    count = max(0, min(LIVE_PLAYERS, args.members - used, info["contest"]["players"]))
    return [f"m{n:05d}" for n in range(args.members - count + 1, args.members + 1)]


def sign_in(base: str, usernames: list[str], password: str, concurrency: int) -> list[Member]:
    """Log each player in and read a CSRF token on one fresh connection, back to back.

    Not client.login_storm: it keeps every session's connection idle until all logins are done, and
    a connection gunicorn closes for idleness (keep-alive 2 s) just as it is reused fails the run.
    """
    def one(username: str) -> Member:
        with requests.Session() as http:
            http.trust_env = False
            http.headers["User-Agent"] = USER_AGENT  # the same browser for every later request (see client.py)
            login(http, base, username, password)
            member = Member(username, csrf=csrf_of(http.get(f"{base}/contests/", timeout=60).text))
            member.cookie = f"session={http.cookies.get('session')}"
            return member

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, usernames))


def rounds_played(url: str, contest_id: int, usernames: list[str]) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    wanted = set(usernames)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT u.username, count(*) FROM contest_rounds r JOIN users u ON u.id = r.user_id "
                                 "WHERE r.contest_id = :c GROUP BY u.username"), {"c": contest_id})
        played = {name: count for name, count in rows if name in wanted}
    engine.dispose()
    return played


class Play:
    """One writer thread: rounds over HTTP, each request timed and each failure counted."""

    def __init__(self, base: str, contest_id: int, writer: Writer, stop: threading.Event, seed: int):
        self.base, self.contest_id, self.writer, self.stop = base, contest_id, writer, stop
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.headers["User-Agent"] = USER_AGENT
        self.rng = random.Random(seed)

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                ready = [p for p in self.writer.players if p.rounds_left > 0]
                if not ready:
                    self.writer.out_of_rounds = True
                    return
                for player in ready:
                    if self.stop.is_set():
                        return
                    self.round(player)
        finally:
            self.http.close()

    def send(self, method: str, path: str, member: Member, expect: int, **kwargs) -> requests.Response | None:
        headers = {"Cookie": member.cookie, "X-CSRFToken": member.csrf, **kwargs.pop("headers", {})}
        started = time.monotonic()
        self.writer.sent.append(started)
        try:
            reply = self.http.request(method, self.base + path, headers=headers, allow_redirects=False,
                                      timeout=30, **kwargs)
        except requests.RequestException as exc:
            self.writer.errors.append(f"{method} {path}: {type(exc).__name__}")
            return None
        if method == "POST" and path.endswith("/answer"):
            self.writer.answers.append((started, (time.monotonic() - started) * 1000))
        if reply.status_code != expect:
            title = TITLE.search(reply.text)
            self.writer.errors.append(f"{method} {path}: {reply.status_code} "
                                      f"{title.group(1).strip() if title else reply.text[:80]!r}")
            return None
        return reply

    def round(self, player: Player) -> None:
        member, failures, round_id = player.member, 0, None
        while round_id is None:
            reply = self.send("POST", f"/contests/{self.contest_id}/start", member, 302,
                              data={"csrf_token": member.csrf})
            found = ROUND_URL.search(reply.headers.get("Location", "")) if reply is not None else None
            if found:
                round_id = int(found.group(1))
            else:
                if reply is not None:  # redirected back to the contest: the start was refused
                    self.writer.errors.append(f"start refused for {member.username}: {reply.headers.get('Location')}")
                failures += 1
                if failures >= GIVE_UP_AFTER:
                    self.writer.abandoned.append((member.username, None))
                    return
                time.sleep(BACKOFF_S * failures)
        player.rounds_left -= 1
        self.writer.started.append((member.username, round_id))
        failures = 0
        while failures < GIVE_UP_AFTER:
            page = self.send("GET", f"/contests/rounds/{round_id}", member, 200)
            if page is None:
                failures += 1
                time.sleep(BACKOFF_S * failures)
                continue
            position = POSITION.search(page.text)
            if position is None:  # the result page: finished by an earlier answer whose reply was lost
                self.writer.finished.append((member.username, round_id, time.monotonic()))
                return
            reply = self.send("POST", f"/contests/rounds/{round_id}/answer", member, 200,
                              data={"csrf_token": member.csrf, "position": position.group(1),
                                    **self.answer(page.text)},
                              headers={"Accept": "application/json"})
            if reply is None:
                failures += 1
                time.sleep(BACKOFF_S * failures)
                continue
            failures = 0
            result = reply.json()
            if not result.get("accepted"):
                self.writer.errors.append(f"answer not accepted in round {round_id}: {result}")
            if result.get("finished"):
                self.writer.finished.append((member.username, round_id, time.monotonic()))
                self.send("GET", f"/contests/rounds/{round_id}", member, 200)  # the result page, as a browser
                return
        self.writer.abandoned.append((member.username, round_id))

    def answer(self, html: str) -> dict:
        """A random well-formed answer for whatever the page asks (right or wrong does not matter)."""
        choices = CHOICE.findall(html)
        if choices and choices[0][0] == "radio":
            return {"answer": self.rng.choice([value for _, value in choices])}
        if choices:
            values = [value for _, value in choices]
            return {"answer": self.rng.sample(values, self.rng.randint(1, len(values)))}
        return {"blank": ["答"] * len(BLANK.findall(html))}


def run(base: str, args, url: str, info: dict, checks: dict, replay) -> list[Result]:
    """Log the live players in, start the writers, read the board with wrk meanwhile; two result rows.

    `replay` is run.py's wrk helper (prepared requests, errors counted, queued requests drained).
    """
    contest = info["contest"]
    usernames = live_usernames(args, info)
    if not usernames:
        print("contest: no members left for live players, scenario skipped", flush=True)
        return []
    print(f"contest: {len(usernames)} live players log in ({contest['players']} players on the board)", flush=True)
    began = time.monotonic()
    members = sign_in(base, usernames, info["password"], concurrency=args.connections)
    played = rounds_played(url, contest["id"], usernames)
    players = [Player(m, contest["max_rounds_per_member"] - played.get(m.username, 0)) for m in members]
    writers = [Writer(players[n::WRITERS]) for n in range(min(WRITERS, len(players)))]
    stop = threading.Event()
    threads = [threading.Thread(target=Play(base, contest["id"], w, stop, seed=n).run, name=f"contest-writer-{n}",
                                daemon=True)
               for n, w in enumerate(writers)]
    board_lines = [("GET", f"/contests/{contest['id']}/board", m.cookie, m.csrf, "") for m in members]
    print(f"  {len(writers)} writers play rounds while wrk reads the board for {args.seconds} s", flush=True)
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)  # rounds under way before the first read is measured
        read_from = time.monotonic()
        board = replay(base, "contest board (while rounds submitted)", board_lines, args)
        read_to = time.monotonic()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    stuck = [t.name for t in threads if t.is_alive()]

    # Rates and latencies over the read window only; the rounds finished before and after still count
    # in the database check, as do errors at any time.
    window = read_to - read_from
    finished = [f for w in writers for f in w.finished]
    during = sum(1 for _, _, at in finished if read_from <= at <= read_to)
    answer_ms = sorted(ms for w in writers for at, ms in w.answers if read_from <= at <= read_to)
    sent = sum(1 for w in writers for at in w.sent if read_from <= at <= read_to)
    errors = [e for w in writers for e in w.errors] + [f"writer thread did not stop: {name}" for name in stuck]
    rounds = Result("contest rounds finished (writers)", during / window, _pct(answer_ms, 0.50),
                    _pct(answer_ms, 0.99), len(errors), sum(len(w.sent) for w in writers),
                    notes={"rate": "rounds finished per second while wrk read the board",
                           "latency": "p50/p99 of the answer POSTs sent while wrk read the board",
                           "rounds_finished_during_read": during, "rounds_finished_total": len(finished),
                           "answer_requests_during_read": len(answer_ms),
                           "writer_requests_per_s": round(sent / window, 1), "writers": len(writers),
                           "live_players": len(members),
                           "players_out_of_rounds": sum(1 for w in writers if w.out_of_rounds)})
    board.notes.update({"players_on_board_before": contest["players"], "live_players": len(members),
                        "rounds_finished_during_read": during, "scenario_wall_s": round(time.monotonic() - began, 1)})
    print(f"  rounds: {during} finished during the read ({rounds.rps:.1f}/s, writers {sent / window:.0f} req/s), "
          f"{len(finished)} in all; answer p50 {rounds.p50_ms:.0f} ms, p99 {rounds.p99_ms:.0f} ms; "
          f"writer errors {len(errors)}", flush=True)
    for error in errors[:3]:
        print(f"    {error}", flush=True)

    # What one live player's board says after the load, for the database check to compare.
    me = members[-1]
    page = requests.get(f"{base}/contests/{contest['id']}/board", headers={"Cookie": me.cookie}, timeout=60)
    shown = MY_RANK.search(page.text) if page.status_code == 200 else None
    checks["contest"] = {
        "contest_id": contest["id"], "finished": [(u, r) for w in writers for u, r, _ in w.finished],
        "started": [s for w in writers for s in w.started], "abandoned": [a for w in writers for a in w.abandoned],
        "errors": errors, "board_after": {"username": me.username, "status": page.status_code,
                                          "rank": int(shown.group(1)) if shown else None,
                                          "participants": int(shown.group(2)) if shown else None},
    }
    return [board, rounds]


def _pct(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(len(values) * share))] if values else 0.0


def check(url: str, contest_checks: dict) -> dict:
    """Every round a writer saw finish is finished; the standings hold each member's best counted round once."""
    from sqlalchemy import create_engine, select

    from studyapp.domain import standings as rules
    from studyapp.models import User
    from studyapp.models.contests import Contest, ContestRound, ContestStanding

    contest_id = contest_checks["contest_id"]
    engine = create_engine(url)
    R, S = ContestRound.__table__, ContestStanding.__table__
    with engine.connect() as conn:
        contest = conn.execute(select(Contest.__table__).where(Contest.__table__.c.id == contest_id)).one()
        rounds = {row.id: row for row in conn.execute(select(R).where(R.c.contest_id == contest_id))}
        standings = conn.execute(select(S).where(S.c.contest_id == contest_id)).all()
        names = dict(conn.execute(select(User.__table__.c.username, User.__table__.c.id)).all())
    engine.dispose()

    report = {"rounds_total": len(rounds), "writer_rounds_finished": len(contest_checks["finished"])}
    not_finished = [(user, rid) for user, rid in contest_checks["started"]
                    if rid not in rounds or rounds[rid].status != "finished" or rounds[rid].user_id != names.get(user)]
    report["writer_rounds_not_finished"] = len(not_finished)
    report["writer_rounds_abandoned"] = len(contest_checks["abandoned"])
    report["writer_rounds_not_finished_examples"] = not_finished[:3]
    report["rounds_in_progress"] = sum(1 for r in rounds.values() if r.status == "in_progress")
    report["rounds_flagged"] = sum(1 for r in rounds.values() if r.review not in ("ok", "cleared"))

    # The best counted round of each member, by the board's order; the public board only before the freeze.
    best: dict[tuple[str, int], tuple] = {}
    for r in rounds.values():
        if r.status != "finished" or r.review not in ("ok", "cleared"):
            continue
        entry = rules.Entry(r.user_id, r.score, r.time_used_ms, r.finished_at)
        boards = ["live"] + (["public"] if rules.counts_on_public(r.finished_at, contest.closes_at,
                                                                  contest.freeze_minutes) else [])
        for board in boards:
            held = best.get((board, r.user_id))
            if held is None or rules.rank_key(entry) < rules.rank_key(held[0]):
                best[(board, r.user_id)] = (entry, r.id)
    stored = {}
    for s in standings:
        stored.setdefault((s.board, s.user_id), []).append(s)
    wrong = []
    for key in set(best) | set(stored):
        rows, expected = stored.get(key, []), best.get(key)
        if expected is None or len(rows) != 1:
            wrong.append({"board": key[0], "user_id": key[1], "rows": len(rows), "expected": expected is not None})
            continue
        s, (entry, rid) = rows[0], expected
        if (s.best_score, s.best_time_ms, s.reached_at, s.round_id) != (entry.score, entry.time_ms,
                                                                         entry.reached_at, rid):
            wrong.append({"board": key[0], "user_id": key[1], "stored": [s.best_score, s.best_time_ms, s.round_id],
                          "best": [entry.score, entry.time_ms, rid]})
    live = [s for s in standings if s.board == "live"]
    report["members_on_live_board"] = len(live)
    report["standings_not_best_round"] = len(wrong)
    report["standings_not_best_round_examples"] = wrong[:5]

    # The board page a live player saw after the load: participants and "my rank" as the database has them.
    seen = contest_checks["board_after"]
    me = names.get(seen["username"])
    mine = next((s for s in live if s.user_id == me), None)
    rank = None
    if mine is not None:
        key = rules.rank_key(rules.Entry(mine.user_id, mine.best_score, mine.best_time_ms, mine.reached_at))
        rank = 1 + sum(1 for s in live
                       if rules.rank_key(rules.Entry(s.user_id, s.best_score, s.best_time_ms, s.reached_at)) < key)
    report["board_page_after"] = {**seen, "rank_in_db": rank, "participants_in_db": len(live)}
    report["writer_errors"] = len(contest_checks["errors"])
    report["writer_error_examples"] = contest_checks["errors"][:3]
    report["ok"] = (not not_finished and not contest_checks["abandoned"]
                    and report["rounds_in_progress"] == 0 and not wrong and not contest_checks["errors"]
                    and seen["status"] == 200 and seen["rank"] == rank and seen["participants"] == len(live))
    return report
