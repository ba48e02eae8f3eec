"""What the sign-up's pages and JSON routes share: the honeypot, the per-address limit, the
words of an invalid link."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import TooManyRequestsException

from backend.i18n.language import N_
from backend.security.rate_limits import address_of
from backend.settings import Settings
from backend.signup.services import address_wait

#: A confirmation or data link that is used, replaced or expired (the same words for each, and
#: for a link that never was one).
LINK_NOT_VALID = N_(
    "This link is not valid: it may have been used already, replaced by a newer one, or expired. "
    "Ask for a new one on the sign-up page or the \u201csee and delete my data\u201d page."
)


async def over_limit(request: Request[Any, Any, Any], settings: Settings) -> int | None:
    """Count one use of a public form by the client's address (SIGNUP_RATE_LIMIT an hour):
    None while within it, else the seconds to wait."""
    return await address_wait(address_of(request.scope), settings.signup_rate_limit)


def too_many(wait: int) -> TooManyRequestsException:
    return TooManyRequestsException(
        detail="Too many sign-up requests from this address; try again later.", headers={"retry-after": str(wait)}
    )
