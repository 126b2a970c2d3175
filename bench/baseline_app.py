"""Bare-Flask baseline: the framework's own ceiling on this machine, served like the real app.

Every studyapp scenario in bench/ is reported as a ratio to the matching request here:
  GET  /hello                 plain response
  GET  /chapter               a pre-rendered 20 KB chapter through one Jinja template
  PUT  /core/save/<n>         one-row upsert with SQLAlchemy Core          (vs answer autosave)
  POST /core/submit/<n>       one row + 50 rows in one transaction, Core    (vs exam submit)
  PUT  /raw/save/<n>          the same with the plain driver (sqlite3 / psycopg): the ceiling
  POST /raw/submit/<n>
The database is BENCH_DATABASE_URL (SQLAlchemy URL); tables are created by `prepare()`.
"""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone

from flask import Flask, render_template_string, request
from sqlalchemy import (Column, DateTime, Integer, MetaData, String, Table, create_engine, event, insert,
                        update)

URL = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/bench-baseline.sqlite3")
metadata = MetaData()
saves = Table("bl_saves", metadata, Column("id", Integer, primary_key=True), Column("value", String(200)),
              Column("seq", Integer), Column("saved_at", DateTime(timezone=True)))
submits = Table("bl_submits", metadata, Column("id", Integer, primary_key=True), Column("score", Integer),
                Column("at", DateTime(timezone=True)))
items = Table("bl_items", metadata, Column("id", Integer, primary_key=True), Column("submit_id", Integer),
              Column("position", Integer), Column("awarded", Integer))

PARAGRAPH = "<p>党支部是党的基础组织，是党组织开展工作的基本单元，是党在社会基层组织中的战斗堡垒。</p>\n"
CHAPTER_HTML = PARAGRAPH * (20_000 // len(PARAGRAPH.encode()))
TEMPLATE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><div class="reader">{{ body|safe }}</div></main></body></html>"""


def make_engine():
    engine = create_engine(URL, pool_size=5) if not URL.startswith("sqlite") else create_engine(URL)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _connect(conn, _):
            conn.isolation_level = None
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=15000")
            conn.execute("PRAGMA synchronous=NORMAL")

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


#: Rows the steady /core/save run rotates over (bench/lua/json_put.lua's BENCH_ROWS) ...
STEADY_ROWS = 20_000
#: ... and after them the rows for one-off bursts, each written once (bench/run.py Baseline.burst).
BURST_ROWS = 30_000


def prepare(rows: int = STEADY_ROWS + BURST_ROWS) -> None:
    """Create the tables and the rows the save scenarios update."""
    engine = make_engine()
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(saves), [{"id": i, "value": "", "seq": 0} for i in range(1, rows + 1)])
    engine.dispose()


def raw_connect():
    if URL.startswith("sqlite"):
        conn = sqlite3.connect(URL.split("///", 1)[1], isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=15000")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn, "?"
    import psycopg

    return psycopg.connect(URL.replace("postgresql+psycopg://", "postgresql://")), "%s"


def create_app() -> Flask:
    app = Flask(__name__)
    engine = make_engine()
    raw = {}

    def raw_conn():
        pid = os.getpid()  # one plain connection per worker process (and thread)
        import threading

        key = (pid, threading.get_ident())
        if key not in raw:
            raw[key] = raw_connect()
        return raw[key]

    @app.get("/hello")
    def hello():
        return "Hello, World!"

    @app.get("/chapter")
    def chapter():
        return render_template_string(TEMPLATE, title="第四章 工作机制", body=CHAPTER_HTML)

    @app.put("/core/save/<int:n>")
    def core_save(n):
        body = request.get_json()
        with engine.begin() as conn:
            conn.execute(update(saves).where(saves.c.id == n, saves.c.seq < body["seq"])
                         .values(value=str(body["answer"]), seq=body["seq"], saved_at=datetime.now(timezone.utc)))
        return {"saved": True}

    @app.post("/core/submit/<int:n>")
    def core_submit(n):
        now = datetime.now(timezone.utc)
        with engine.begin() as conn:
            submit_id = conn.execute(insert(submits).values(score=n % 100, at=now)).inserted_primary_key[0]
            conn.execute(insert(items), [{"submit_id": submit_id, "position": i, "awarded": i % 2} for i in range(50)])
        return {"score": n % 100}

    @app.put("/raw/save/<int:n>")
    def raw_save(n):
        body = request.get_json()
        conn, mark = raw_conn()
        sql = f"UPDATE bl_saves SET value={mark}, seq={mark}, saved_at={mark} WHERE id={mark} AND seq < {mark}"
        args = (str(body["answer"]), body["seq"], datetime.now(timezone.utc).isoformat(), n, body["seq"])
        if mark == "?":
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(sql, args)
            conn.execute("COMMIT")
        else:
            with conn.transaction():
                conn.execute(sql, args)
        return {"saved": True}

    @app.post("/raw/submit/<int:n>")
    def raw_submit(n):
        conn, mark = raw_conn()
        now = datetime.now(timezone.utc).isoformat()
        rows = [(i, i % 2) for i in range(50)]
        if mark == "?":
            conn.execute("BEGIN IMMEDIATE")
            cur = conn.execute("INSERT INTO bl_submits (score, at) VALUES (?, ?)", (n % 100, now))
            sid = cur.lastrowid
            conn.executemany("INSERT INTO bl_items (submit_id, position, awarded) VALUES (?, ?, ?)",
                             [(sid, p, a) for p, a in rows])
            conn.execute("COMMIT")
        else:
            with conn.transaction():
                sid = conn.execute("INSERT INTO bl_submits (score, at) VALUES (%s, %s) RETURNING id",
                                   (n % 100, now)).fetchone()[0]
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO bl_items (submit_id, position, awarded) VALUES (%s, %s, %s)",
                                    [(sid, p, a) for p, a in rows])
        return {"score": n % 100}

    return app
