"""c21_prepared keeps every attempt and everything hanging from it (paper rows, answers, score changes):
on SQLite the attempts table is rebuilt, and a plain rebuild would cascade-delete those rows."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from studyapp.extensions import db

T = "'2026-05-01 08:00:00+00:00'"
ROWS = [
    "INSERT INTO units (id, name, kind, sort_order, created_at) VALUES (1, 'o', 'organization', 0, {t})",
    "INSERT INTO users (id, username, name, unit_id, role, active, password_hash, must_change_password, "
    "session_version, created_at) VALUES (1, 'm', 'm', 1, 'member', true, 'h', false, 1, {t}), "
    "(2, 'n', 'n', 1, 'member', true, 'h', false, 1, {t})",
    "INSERT INTO modules (id, slug, title, summary, intro_md, intro_html, \"order\", audience, status, source, "
    "created_at, updated_at) VALUES (1, 'b', 'b', '', '', '', 0, '', 'published', 'file', {t}, {t})",
    "INSERT INTO questions (id, module_id, key, status, source, created_at, updated_at) "
    "VALUES (1, 1, 'q1', 'active', 'file', {t}, {t})",
    "INSERT INTO question_versions (id, question_id, version_no, qtype, stem_md, stem_html, options, answer, "
    "explanation_md, explanation_html, difficulty, chapter_number, tags, checksum, created_at) VALUES "
    "(1, 1, 1, 'true_false', 's', 's', '[]', 'true', '', '', 2, 1, '[]', 'c', {t})",
    "UPDATE questions SET current_version_id = 1",
    "INSERT INTO exams (id, owner_unit_id, module_id, title, description, mode, time_limit_minutes, pass_percent, "
    "attempts_allowed, counting, shuffle_questions, shuffle_options, multiple_policy, review_policy, status, "
    "created_at) VALUES (1, 1, 1, 'e', '', 'blueprint', 30, 60, 2, 'highest', true, true, 'all_or_nothing', "
    "'immediate', 'published', {t})",
    "INSERT INTO sittings (id, exam_id, title, opens_at, closes_at, is_makeup, created_at) "
    "VALUES (1, 1, 's', {t}, '2026-05-02 08:00:00+00:00', false, {t})",
    "INSERT INTO attempts (id, sitting_id, user_id, number, status, seed, started_at, deadline, submitted_at, "
    "score, max_score, passed, finalized_by) VALUES (1, 1, 1, 1, 'submitted', 7, {t}, {t}, {t}, 5, 10, false, 'member')",
    "INSERT INTO attempts (id, sitting_id, user_id, number, status, seed, started_at, deadline, max_score) "
    "VALUES (2, 1, 1, 2, 'in_progress', 8, {t}, '2026-05-01 09:00:00+00:00', 10)",
    "INSERT INTO attempt_questions (id, attempt_id, position, question_id, question_version_id, points, "
    "option_order, awarded, correct) VALUES (1, 1, 1, 1, 1, 10, '[]', 0, false), (2, 2, 1, 1, 1, 10, '[]', NULL, NULL)",
    "INSERT INTO answers (id, attempt_id, question_id, response, client_seq, saved_at) VALUES "
    "(1, 1, 1, 'false', 3, {t}), (2, 2, 1, 'true', 4, {t})",
    "INSERT INTO score_changes (id, attempt_id, old_score, new_score, reason, changed_at) "
    "VALUES (1, 1, 0, 5, 'key', {t})",
]
COUNTS = "SELECT (SELECT count(*) FROM attempts), (SELECT count(*) FROM attempt_questions), " \
         "(SELECT count(*) FROM answers), (SELECT count(*) FROM score_changes)"


def test_upgrade_keeps_attempts_papers_answers_and_score_changes(migrated_database):
    with migrated_database("c21") as directory:
        upgrade(directory=directory, revision="c20b_evidence")
        with db.engine.begin() as conn:
            for row in ROWS:
                conn.execute(text(row.format(t=T)))
            before = conn.execute(text("SELECT * FROM attempts ORDER BY id")).all()
        upgrade(directory=directory, revision="c21_prepared")
        with db.engine.begin() as conn:
            assert tuple(conn.execute(text(COUNTS)).one()) == (2, 2, 2, 1)
            assert conn.execute(text("SELECT * FROM attempts ORDER BY id")).all() == before
            assert conn.execute(text("SELECT client_seq FROM answers ORDER BY id")).scalars().all() == [3, 4]
            # A paper drawn ahead fits the new schema, with no start time yet.
            conn.execute(text("INSERT INTO attempts (id, sitting_id, user_id, number, status, seed, max_score) "
                              "VALUES (3, 1, 2, 1, 'prepared', 9, 10)"))
            conn.execute(text("INSERT INTO attempt_questions (id, attempt_id, position, question_id, "
                              "question_version_id, points, option_order) VALUES (3, 3, 1, 1, 1, 10, '[]')"))
        downgrade(directory=directory, revision="c20b_evidence")
        with db.engine.connect() as conn:
            # The prepared paper was no attempt: it goes; everything else stays.
            assert tuple(conn.execute(text(COUNTS)).one()) == (2, 2, 2, 1)
