"""Every schema change has a migration: upgrading an empty database yields exactly the models' schema."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from studyapp import create_app
from studyapp.extensions import db


# SQLite cannot reflect an index on an expression (users: lower(username)); test_login_ids.py checks it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_match_models(database_config, tmp_path):
    config = dict(database_config)
    if "TEST_SCHEMA" in config:  # PostgreSQL: a schema of its own, so the test tables stay untouched
        schema = config["TEST_SCHEMA"] + "_mig"
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
    else:
        config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **config})
    with app.app_context():
        if "TEST_SCHEMA" in config:
            with db.engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            upgrade(directory=app.extensions["migrate"].directory)
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == [], f"models differ from migrations; run `flask db migrate`: {diff}"
        finally:
            if "TEST_SCHEMA" in config:
                with db.engine.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            db.engine.dispose()
