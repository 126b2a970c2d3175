"""c19_ledger keeps every group-study session: each becomes a 集中学习 activity per invited branch, its
sign-ins stay and count as attendance; existing members become 正式党员."""
from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from studyapp.extensions import db


def test_upgrade_turns_group_study_sessions_into_activities_and_keeps_their_sign_ins(migrated_database):
    with migrated_database("c19") as directory:
        upgrade(directory=directory, revision="00cf979a6dc3")
        past = datetime(2026, 3, 5, 1, 0)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO units (id, parent_id, name, kind, sort_order, created_at) VALUES "
                              "(1, NULL, '机关党委', 'organization', 0, :t), (2, 1, '一支部', 'branch', 0, :t), "
                              "(3, 1, '二支部', 'branch', 1, :t)"), {"t": past})
            conn.execute(text("INSERT INTO users (id, username, name, unit_id, role, active, password_hash, "
                              "must_change_password, session_version, created_at) VALUES "
                              "(1, 'm1', '甲', 2, 'member', true, 'x', false, 1, :t)"), {"t": past})
            conn.execute(text("INSERT INTO study_sessions (id, organization_id, title, starts_at, ends_at, place, "
                              "note, created_at) VALUES (7, 1, '学习条例', :s, :e, '会议室', '第一行\n<b>二</b>', :s)"),
                         {"s": past, "e": datetime(2026, 3, 5, 3, 0)})
            conn.execute(text("INSERT INTO study_session_units (session_id, unit_id) VALUES (7, 1)"))
            conn.execute(text("INSERT INTO attendances (session_id, user_id, signed_in_at) VALUES (7, 1, :s)"),
                         {"s": past})
        upgrade(directory=directory, revision="c19_ledger")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT unit_id, kind, status, topic, place, signin_session_id, minutes_html "
                                     "FROM ledger_activities ORDER BY unit_id")).all()
            assert [tuple(row[:6]) for row in rows] == [(2, "group_study", "done", "学习条例", "会议室", 7),
                                                        (3, "group_study", "done", "学习条例", "会议室", 7)]
            assert rows[0][6] == "<p>第一行</p><p>&lt;b&gt;二&lt;/b&gt;</p>"
            assert conn.execute(text("SELECT count(*) FROM attendances")).scalar() == 1
            assert conn.execute(text("SELECT member_kind FROM users")).scalar() == "full"
        downgrade(directory=directory, revision="00cf979a6dc3")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM attendances")).scalar() == 1
