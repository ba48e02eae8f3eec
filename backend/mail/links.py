"""Personal links in messages, never stored: a body holds `LINK_MARK` where the link goes, and
the message's `link_ref` ("purpose:nonce") derives it again from SECRET_KEY when the message
is sent (as staff pages derive invitation links: architecture.md, "Tokens"). A copy of the
database alone therefore reveals no link, in the outbox as in `invitation`.

A reminder carries a second link, to switch reminders off (`OPT_OUT_MARK`, purpose
`reminders-off`, derived from the person's id): its `link_ref` holds both references,
separated by a space."""

from __future__ import annotations

from backend.security.tokens import derive_token, same_hash

#: Where a personal link goes in a message's bodies (letters only: it survives HTML escaping).
LINK_MARK = "PXPERSONALLINKPX"
#: Where the link that switches reminders off goes (reminders only).
OPT_OUT_MARK = "PXREMINDERSOFFPX"
OPT_OUT = "reminders-off"
#: Where the link that switches e-mail digests off goes (digests only: `exchange/digest.py`).
DIGEST_OFF_MARK = "PXDIGESTOFFPX"
DIGEST_OFF = "digest-off"
#: Where the link that unsubscribes a public sign-up goes (`backend/signup`; its "person" is the
#: sign-up's id).
SIGNUP_OFF_MARK = "PXSIGNUPOFFPX"
SIGNUP_OFF = "signup-off"
#: A sign-up's confirmation link and its "see and delete my data" link (hashes in `signup`).
SIGNUP_CONFIRM = "signup-confirm"
SIGNUP_DATA = "signup-data"
#: Purposes whose token is derived from a person's id (one link per person, never stored).
PERSON_PURPOSES = (OPT_OUT, DIGEST_OFF, SIGNUP_OFF)
#: Each purpose's path; the purpose is also the token's derivation label.
PATHS = {
    "invitation": "/r/",
    "sign-in": "/sign-in/link/",
    OPT_OUT: "/reminders/off/",
    DIGEST_OFF: "/digest/off/",
    SIGNUP_OFF: "/signup/unsubscribe/",
    SIGNUP_CONFIRM: "/signup/confirm/",
    SIGNUP_DATA: "/signup/my-data/",
}
MARKS = {
    "invitation": LINK_MARK,
    "sign-in": LINK_MARK,
    OPT_OUT: OPT_OUT_MARK,
    DIGEST_OFF: DIGEST_OFF_MARK,
    SIGNUP_OFF: SIGNUP_OFF_MARK,
    SIGNUP_CONFIRM: LINK_MARK,
    SIGNUP_DATA: LINK_MARK,
}


def link_ref(purpose: str, nonce: str) -> str:
    if purpose not in PATHS:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return f"{purpose}:{nonce}"


def opt_out_token(secret_key: str, person_id: int) -> str:
    """The token of a person's link to switch reminders off: their id and an HMAC of it (256
    bits; unguessable without SECRET_KEY, the same in every reminder, never stored)."""
    return person_token(secret_key, OPT_OUT, person_id)


def person_token(secret_key: str, purpose: str, person_id: int) -> str:
    """A person's token for `purpose` (one of `PERSON_PURPOSES`): their id and an HMAC of it."""
    return f"{person_id}.{derive_token(secret_key, purpose, str(person_id))}"


def opt_out_person(secret_key: str, token: str, purpose: str = OPT_OUT) -> int | None:
    """The person an opt-out token belongs to (None: not a valid token)."""
    head, _, _ = token.partition(".")
    if not head.isdigit() or len(head) > 12:
        return None
    return int(head) if same_hash(person_token(secret_key, purpose, int(head)), token) else None


def resolve(ref: str, base_url: str, secret_key: str) -> str:
    purpose, nonce = ref.split(":", 1)
    if purpose in PERSON_PURPOSES:
        token = person_token(secret_key, purpose, int(nonce))
    else:
        token = derive_token(secret_key, purpose, nonce)
    return f"{base_url.rstrip('/')}{PATHS[purpose]}{token}"


def refs(ref: str) -> list[str]:
    """The references a message's `link_ref` holds (none, one, or a link and an opt-out)."""
    return ref.split()


def opt_out_url(ref: str, base_url: str, secret_key: str) -> str | None:
    """The opt-out link of a message (its List-Unsubscribe header), if it has one."""
    found = [r for r in refs(ref) if r.split(":", 1)[0] in PERSON_PURPOSES]
    return resolve(found[0], base_url, secret_key) if found else None


def fill(body: str, ref: str, base_url: str, secret_key: str) -> str:
    """A body with its links in place (a body without a link is returned as it is)."""
    for one in refs(ref):
        body = body.replace(MARKS[one.split(":", 1)[0]], resolve(one, base_url, secret_key))
    return body


def withhold(
    body: str, placeholder: str, opt_out_placeholder: str | None = None, digest_off_placeholder: str | None = None
) -> str:
    """A body as staff may read it where the links are not theirs to see."""
    body = body.replace(LINK_MARK, placeholder).replace(OPT_OUT_MARK, opt_out_placeholder or placeholder)
    body = body.replace(SIGNUP_OFF_MARK, opt_out_placeholder or placeholder)
    return body.replace(DIGEST_OFF_MARK, digest_off_placeholder or opt_out_placeholder or placeholder)
