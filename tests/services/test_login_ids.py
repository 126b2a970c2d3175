"""Login ids are one account whatever their case: the roster import, the database, logins and the
migration that introduces the rule (which refuses to run, listing them, if existing ids already clash)."""
from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError

from studyapp import create_app
from studyapp.models import User
from tests.conftest import PASSWORD, PG_URL
from tests.services.test_roster_import import count, run


def test_a_roster_row_in_other_case_updates_the_account_instead_of_adding_one(db, admin, branch_a, make_user):
    make_user(branch_a, username="dy001", name="王建国")
    result = run(db, admin, "王建国同志,DY001,第一党支部,13800001111,")
    assert (result.created, result.updated) == (0, 1)
    assert count(db, User) == 2  # the administrator and dy001, nobody new
    db.session.expire_all()
    assert db.session.scalar(select(User.name).where(User.username == "dy001")) == "王建国同志"


def test_the_database_refuses_a_second_account_differing_only_by_case(db, admin, branch_a):
    db.session.add(User(username="ADMIN", name="冒名", unit_id=branch_a.id, password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_logins_ignore_case(client, member_a):
    response = client.post("/login", data={"username": "MEMBER_A", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_create_admin_refuses_a_login_id_differing_only_by_case(runner, admin):
    result = runner.invoke(args=["create-admin", "--username", "Admin", "--name", "另一位", "--password",
                                 "紫竹院-晨读-7"])
    assert result.exit_code != 0 and "已存在" in result.output


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_the_migration_refuses_to_run_when_ids_already_clash_and_lists_them(database_config, tmp_path, capfd):
    config = dict(database_config)
    admin_engine = None
    if PG_URL:
        schema = config["TEST_SCHEMA"] + "_case"
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
        admin_engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    else:
        config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'clash.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **config})
    from studyapp.extensions import db

    directory = app.extensions["migrate"].directory
    try:
        with app.app_context():
            upgrade(directory=directory, revision="00cf979a6dc3")
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO units (id, name, kind, sort_order, created_at) "
                                  "VALUES (1, '机关党委', 'organization', 0, CURRENT_TIMESTAMP)"))
                for n, name in enumerate(["admin", "ADMIN", "dy001", "DY001", "Dy001", "dy002"], start=1):
                    conn.execute(text(
                        "INSERT INTO users (id, username, name, unit_id, role, active, password_hash, "
                        "must_change_password, session_version, created_at) VALUES "
                        f"({n}, '{name}', '某', 1, 'member', true, 'x', false, 1, CURRENT_TIMESTAMP)"))
            with pytest.raises(SystemExit):  # `flask db upgrade` / init-db print the message and exit 1
                upgrade(directory=directory)
            message = "".join(capfd.readouterr())
            assert "ADMIN / admin" in message and "DY001 / Dy001 / dy001" in message and "dy002" not in message
            assert "共 2 组" in message and "未作任何修改" in message
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "00cf979a6dc3"
                assert conn.execute(select(func.count()).select_from(text("users"))).scalar() == 6
            # Once a person has renamed them, the upgrade goes through.
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE users SET username = 'admin-old' WHERE id = 2"))
                conn.execute(text("UPDATE users SET username = username || '-' || id WHERE id IN (4, 5)"))
            upgrade(directory=directory)
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() != "00cf979a6dc3"
            db.engine.dispose()
    finally:
        if admin_engine is not None:
            with admin_engine.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin_engine.dispose()
