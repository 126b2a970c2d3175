"""Every schema change has a migration: upgrading an empty database yields exactly the models' schema."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from studyapp.extensions import db


# SQLite cannot reflect an index on an expression (users: lower(username)); test_login_ids.py checks it.
def test_migrations_match_models(migrated_database):
    with migrated_database("mig") as directory:
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models differ from migrations; run `flask db migrate`: {diff}"


def test_exam_integrity_upgrade_keeps_rows_and_marks_graded_attempts_recorded(migrated_database):
    """c14_exam_integrity: existing exams keep their policy and are not secret; attempts already graded had
    their misses put into the book then, so they are marked recorded (never recorded twice)."""
    t = "'2026-05-01 08:00:00+00:00'"
    rows = [
        "INSERT INTO units (id, name, kind, sort_order, created_at) VALUES (1, 'o', 'organization', 0, {t})",
        "INSERT INTO users (id, username, name, unit_id, role, active, password_hash, must_change_password, "
        "session_version, created_at) VALUES (1, 'm', 'm', 1, 'member', true, 'h', false, 1, {t})",
        "INSERT INTO modules (id, slug, title, summary, intro_md, intro_html, \"order\", audience, status, source, "
        "created_at, updated_at) VALUES (1, 'b', 'b', '', '', '', 0, '', 'published', 'file', {t}, {t})",
        "INSERT INTO exams (id, owner_unit_id, module_id, title, description, mode, time_limit_minutes, pass_percent, "
        "attempts_allowed, counting, shuffle_questions, shuffle_options, multiple_policy, review_policy, status, "
        "created_at) VALUES (1, 1, 1, 'e', '', 'blueprint', 30, 60, 2, 'highest', true, true, 'all_or_nothing', "
        "'immediate', 'published', {t})",
        "INSERT INTO sittings (id, exam_id, title, opens_at, closes_at, is_makeup, created_at) "
        "VALUES (1, 1, 's', {t}, '2026-05-02 08:00:00+00:00', false, {t})",
        "INSERT INTO attempts (id, sitting_id, user_id, number, status, seed, started_at, deadline, submitted_at, "
        "score, max_score) VALUES (1, 1, 1, 1, 'submitted', 7, {t}, {t}, {t}, 5, 10)",
        "INSERT INTO attempts (id, sitting_id, user_id, number, status, seed, started_at, deadline, max_score) "
        "VALUES (2, 1, 1, 2, 'in_progress', 8, {t}, '2026-05-01 09:00:00+00:00', 10)",
    ]
    with migrated_database("c14") as directory:
        upgrade(directory=directory, revision="00cf979a6dc3")
        with db.engine.begin() as conn:
            for row in rows:
                conn.execute(text(row.format(t=t)))
        upgrade(directory=directory, revision="c14_exam_integrity")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT review_policy, secret_bank FROM exams")).one() == ("immediate", False)
            recorded = dict(conn.execute(text("SELECT id, book_recorded_at IS NOT NULL FROM attempts")).all())
        assert recorded == {1: True, 2: False}
