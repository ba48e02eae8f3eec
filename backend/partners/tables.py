from piccolo.columns import Boolean, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

#: The longest e-mail address SMTP carries.
EMAIL_LENGTH = 254


class Force(Table, tablename="force"):
    """A partner law-enforcement organisation; region, type and size band form peer groups."""

    id: Serial
    name = Varchar(length=200)
    code = Varchar(length=60, unique=True)
    country = Varchar(length=100)
    region = Varchar(length=40, index=True)
    force_type = Varchar(length=40, index=True)
    size_band = Varchar(length=40, index=True)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Person(Table, tablename="person"):
    """Anyone who signs in: project staff (no force) or a contact at a partner force."""

    id: Serial
    email = Varchar(length=EMAIL_LENGTH, unique=True)
    name = Varchar(length=200)
    force = ForeignKey(references=Force, null=True, default=None)
    #: a `security.roles.Role`: admin | analyst (staff) | partner (a contact at a force)
    role = Varchar(length=20, index=True)
    #: A partner contact who answers questionnaires for their force.
    can_respond = Boolean(default=False)
    password_hash = Varchar(length=200, null=True, default=None)
    language = Varchar(length=10, default="en")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_sign_in_at = Timestamptz(null=True, default=None)
