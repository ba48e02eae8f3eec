"""A sign-up from the public form, and its consent history (docs/signup.md).

Tokens are never stored: a confirmation or data link's token is derived from SECRET_KEY and a
nonce held only by the message that carries it (`mail/links.py`); the row keeps the token's
SHA-256 and when it expires. Deleting a sign-up deletes its consent history with it."""

from piccolo.columns import JSONB, Boolean, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.partners.tables import EMAIL_LENGTH, Person


class Signup(Table, tablename="signup"):
    id: Serial
    #: normalised (lower case): one live sign-up per address
    email = Varchar(length=EMAIL_LENGTH, unique=True)
    name = Varchar(length=200)
    #: the person's role or title at their organisation (free text)
    job_role = Varchar(length=200)
    organisation = Varchar(length=200)
    #: ISO 3166 alpha-2 code, shown by Babel in the reader's language
    country = Varchar(length=2)
    language = Varchar(length=5, default="en")
    #: theme ids (`checks.INTERESTS`)
    interests = JSONB(default=[])
    #: `checks.Status`: pending | confirmed | subscriber | partner | rejected
    status = Varchar(length=20, default="pending", index=True)
    #: True once confirmed, False again after unsubscribing
    subscribed = Boolean(default=False)
    confirm_hash = Varchar(length=64, null=True, default=None, index=True)
    confirm_expires_at = Timestamptz(null=True, default=None)
    access_hash = Varchar(length=64, null=True, default=None, index=True)
    access_expires_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    confirmed_at = Timestamptz(null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    reviewed_by = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    #: the partner contact made from this sign-up (approved)
    person = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)


class SignupConsent(Table, tablename="signup_consent"):
    """One event of a sign-up's consent: given (the form), confirmed (the e-mail link),
    withdrawn (unsubscribed). `text_version` names the privacy text shown (`checks.CONSENT`)."""

    id: Serial
    signup = ForeignKey(references=Signup, null=False, on_delete=OnDelete.cascade, index=True)
    event = Varchar(length=20)
    text_version = Varchar(length=40)
    #: what was consented to: purpose ids (`checks.CONSENT_PURPOSES`)
    purposes = JSONB(default=[])
    at = Timestamptz(default=TimestamptzNow())
    #: form | api | link | one-click
    via = Varchar(length=20, default="")
