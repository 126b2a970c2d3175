"""Files that hold password hashes, phone numbers and scores are readable by their owner only: the
SQLite database with its -wal and -shm files (0600), the instance folder (0700), and what the command
line writes (reports, initial credentials), whatever the umask."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from studyapp import PROJECT_ROOT, create_app
from studyapp.config import private_folder
from studyapp.extensions import db as _db


@pytest.fixture
def loose_umask():
    previous = os.umask(0o022)  # the usual default: files 0644, folders 0755
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sqlite_database_and_its_wal_and_shm_are_0600(tmp_path, loose_umask):
    path = tmp_path / "data" / "studyapp.sqlite3"
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        with _db.engine.begin() as conn:  # a write creates the -wal and -shm files
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: oct(_mode(f)) for f in files} == {f.name: "0o600" for f in files}
        _db.engine.dispose()
    assert _mode(path.parent) == 0o700


def test_a_database_left_readable_by_an_older_version_is_tightened(tmp_path, loose_umask):
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{path}"})
    assert _mode(path) == 0o600


def test_instance_folder_is_0700(tmp_path, loose_umask):
    folder = tmp_path / "instance"
    folder.mkdir(mode=0o755)
    private_folder(folder)
    assert _mode(folder) == 0o700
    create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert _mode(PROJECT_ROOT / "instance") == 0o700


def test_cli_reports_are_0600(runner, make_cohort, branch_a, tmp_path, loose_umask):
    cohort = make_cohort({branch_a: 5}, seed=3)
    for fmt, name in (("xlsx", "结果.xlsx"), ("csv", "结果.csv")):
        out = tmp_path / name
        out.write_bytes(b"")  # an existing readable file is tightened before it is written
        os.chmod(out, 0o644)
        result = runner.invoke(args=["report", str(cohort.sitting.id), "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
        written = [out] + ([p for p in tmp_path.glob("结果-*.csv")] if fmt == "csv" else [])
        assert len(written) == (1 if fmt == "xlsx" else 4)
        assert {p.name: oct(_mode(p)) for p in written} == {p.name: "0o600" for p in written}


def test_initial_credentials_file_is_0600(runner, db, tmp_path, loose_umask):
    roster = tmp_path / "名册.csv"
    roster.write_text("姓名,党员编号,所属支部\n王建国,DY001,第一党支部\n", encoding="utf-8")
    result = runner.invoke(args=["import-members", str(roster), "--organization", "某机关党委"])
    assert result.exit_code == 0, result.output
    assert _mode(tmp_path / "名册-credentials.csv") == 0o600
