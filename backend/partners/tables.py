from piccolo.columns import BigInt, Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
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
    #: Sworn officers (None: not known). Shown to staff; no peer group is built from it.
    officers = Integer(null=True, default=None)
    #: People living in the force's area (None: not known).
    population_served = BigInt(null=True, default=None)
    #: False once deactivated (never deleted: its rounds, responses and audit stay); a
    #: deactivated force is offered to no new round.
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    deactivated_at = Timestamptz(null=True, default=None)
    #: The force this one was merged into (docs/registry.md); it is then inactive.
    merged_into = Integer(null=True, default=None)


class Person(Table, tablename="person"):
    """Anyone who signs in: project staff (no force) or a contact at a partner force."""

    id: Serial
    email = Varchar(length=EMAIL_LENGTH, unique=True)
    name = Varchar(length=200)
    force = ForeignKey(references=Force, null=True, default=None)
    #: a `security.roles.Role`: admin | analyst (staff) | partner (a contact at a force)
    role = Varchar(length=20, index=True)
    #: A partner contact who answers questionnaires for their force (kept in step with
    #: `partner_role`: lead respondents and colleagues answer, viewers do not).
    can_respond = Boolean(default=False)
    #: A partner contact's part at their force (`partners.schemas.PartnerRole`): lead_respondent,
    #: colleague or viewer; None for project staff.
    partner_role = Varchar(length=20, null=True, default=None)
    password_hash = Varchar(length=200, null=True, default=None)
    #: The interface language they chose on their account page; None until they choose (their
    #: browser's Accept-Language applies meanwhile).
    language = Varchar(length=10, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_sign_in_at = Timestamptz(null=True, default=None)
    deactivated_at = Timestamptz(null=True, default=None)
    #: The person this one was merged into (docs/registry.md); they are then inactive.
    merged_into = Integer(null=True, default=None)
