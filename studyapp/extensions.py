"""Extension objects, created here and bound to the app in create_app()."""
from flask import current_app, request
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

# Stable constraint names so Alembic migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class HeaderFirstCSRF(CSRFProtect):
    """The exam page's scripts send the token in a header (X-CSRFToken): look there before parsing the
    request body as a form, which for autosave's JSON body found nothing at a tenth of the request's cost.
    A form's own token field is still read when no header carries one."""

    def _get_csrf_token(self):
        for header in current_app.config["WTF_CSRF_HEADERS"]:
            token = request.headers.get(header)
            if token:
                return token
        return super()._get_csrf_token()


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate()
login_manager = LoginManager()
csrf = HeaderFirstCSRF()
bootstrap = Bootstrap5()
# Only routes that opt in are limited; storage comes from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
