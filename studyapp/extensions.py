"""Extension objects, created here and bound to the app in create_app()."""
import functools
import hashlib
import hmac

from flask import current_app, g, request, session
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from flask_wtf.csrf import same_origin
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import MetaData
from wtforms import ValidationError

# Stable constraint names so Alembic migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class HeaderFirstCSRF(CSRFProtect):
    """Flask-WTF's CSRF protection (same tokens, rules and refusals), cheaper per request: the token is
    looked for in the header (X-CSRFToken, how the exam page's scripts send it) before the body is parsed
    as a form, which for autosave's JSON found nothing at a tenth of the request's cost; and its signature
    goes through web.sessions.loads_verified, so a token checked before skips the HMAC (its age and its
    match with the session's token are checked every time)."""

    def _get_csrf_token(self):
        for header in current_app.config["WTF_CSRF_HEADERS"]:
            token = request.headers.get(header)
            if token:
                return token
        return super()._get_csrf_token()

    def protect(self, apply_exemptions=False):
        # As CSRFProtect.protect (Flask-WTF 1.3), with _validate for flask_wtf.csrf.validate_csrf.
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        try:
            _validate(self._get_csrf_token())
        except ValidationError as exc:
            self._error_response(exc.args[0])
        if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True


def _validate(token) -> None:
    """flask_wtf.csrf.validate_csrf with the app's settings, through the remembered-signature check."""
    from .web.sessions import loads_verified  # the web package imports this module

    config = current_app.config
    field = config["WTF_CSRF_FIELD_NAME"]
    if not token:
        raise ValidationError("The CSRF token is missing.")
    if field not in session:
        raise ValidationError("The CSRF session token is missing.")
    serializer = _csrf_serializer(config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)
    try:
        raw, _ = loads_verified(serializer, token, config["WTF_CSRF_TIME_LIMIT"])
    except SignatureExpired as exc:
        raise ValidationError("The CSRF token has expired.") from exc
    except BadData as exc:
        raise ValidationError("The CSRF token is invalid.") from exc
    if not isinstance(raw, str) or not hmac.compare_digest(session[field], raw):
        raise ValidationError("The CSRF tokens do not match.")


@functools.cache
def _csrf_serializer(secret_key) -> URLSafeTimedSerializer:
    # Flask-WTF's salt and digest: the same tokens; hashlib's own sha1 keeps HMAC on its fast path.
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token", signer_kwargs={"digest_method": hashlib.sha1})


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate()
login_manager = LoginManager()
csrf = HeaderFirstCSRF()
bootstrap = Bootstrap5()
# Only routes that opt in are limited; storage comes from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
