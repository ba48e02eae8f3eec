from piccolo.columns import Bytea, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.partners.tables import Person


class KeyValue(Table, tablename="key_value"):
    """Litestar's server-side stores (sessions, rate limits) kept in PostgreSQL, so that every
    worker process sees the same state."""

    id: Serial
    key = Varchar(length=400, unique=True)
    value = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)


class SignInLink(Table, tablename="sign_in_link"):
    """A one-time sign-in link; only the token's hash is stored."""

    id: Serial
    person = ForeignKey(references=Person, null=False)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class RateLimitCounter(Table, tablename="rate_limit_counter"):
    """One counter per rate-limit bucket (an account, a link, a client address), counted by a
    single upsert so that concurrent attempts on any number of workers cannot lose a count
    (`security/rate_limits.py`)."""

    key = Varchar(length=100, primary_key=True)
    hits = Integer()
    reset_at = Timestamptz(index=True)


class ApiToken(Table, tablename="api_token"):
    """A personal API token of a staff member (`Authorization: Bearer …` on /api/ routes); only
    its SHA-256 is stored, so it is shown once, when made (`security/api_tokens.py`)."""

    id: Serial
    person = ForeignKey(references=Person, null=False)
    name = Varchar(length=100)
    #: read (GET only) | write (every method)
    scope = Varchar(length=10)
    token_hash = Varchar(length=64, unique=True)
    #: the first characters of the token, so that its owner can tell tokens apart
    prefix = Varchar(length=12)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
