"""Unguessable tokens: made, hashed for storage, compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

#: 256 bits of randomness, written in 43 URL-safe characters.
TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_nonce() -> str:
    return secrets.token_hex(16)


def hash_token(token: str) -> str:
    """What is stored instead of a token: its SHA-256 (a token is random, so no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def derive_token(secret_key: str, purpose: str, nonce: str) -> str:
    """A token computed from SECRET_KEY and a stored random nonce.

    Invitation links use this so that staff can see a link again without the database ever
    holding it: a copy of the database alone (nonce + hash) does not reveal any link.
    """
    digest = hmac.new(secret_key.encode(), f"{purpose}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
