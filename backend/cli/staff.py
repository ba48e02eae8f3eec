"""`staff create EMAIL` and `staff link EMAIL`: the first admin, and sign-in links."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from backend.auth.services import create_sign_in_link
from backend.cli.runtime import CliError, database
from backend.database import migrate, pool_lifespan
from backend.mail import config as mail_config
from backend.mail.notices import queue_sign_in_link
from backend.partners.services import create_person, find_person, is_email
from backend.security.passwords import MIN_PASSWORD_LENGTH, password_problem
from backend.security.roles import Role
from backend.settings import get_settings


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if args.link or not sys.stdin.isatty():
        return None  # no terminal to ask on: print a one-time link instead
    first = getpass.getpass(f"Password (at least {MIN_PASSWORD_LENGTH} characters, not a common one): ")
    if getpass.getpass("Password again: ") != first:
        raise CliError("the two passwords are not the same")
    return first


async def _create(email: str, name: str, role: str, password: str | None, base_url: str) -> str:
    async with pool_lifespan(2):
        await migrate()
        if await find_person(email):
            raise CliError(f"{email} already has an account (use `practice-exchange staff link {email}`)")
        person_id = await create_person(email, name, Role(role), password=password)
        if password:
            return f"created {role} {email}; sign in at {base_url}/sign-in"
        token = await create_sign_in_link(person_id)
        return f"created {role} {email}; one-time sign-in link (valid 24 hours):\n{base_url}/sign-in/link/{token}"


def create(args: argparse.Namespace) -> int:
    email = args.email.strip().lower()
    if not is_email(email):
        raise CliError(f"EMAIL {args.email!r} is not an e-mail address", status=2)
    password = _read_password(args)
    if password is not None:
        problem = password_problem(password)
        if problem:
            raise CliError(f"password not accepted: {problem}", status=2)
    settings = get_settings()
    with database(settings):
        print(asyncio.run(_create(email, args.name or email.split("@")[0], args.role, password, settings.base_url)))
    return 0


async def _link(email: str, base_url: str, send: bool) -> str:
    async with pool_lifespan(2):
        person = await find_person(email)
        if person is None or not person.active:
            raise CliError(f"no active account for {email}")
        if send:  # by mail, through the queue: the link is never printed nor stored
            queued = await queue_sign_in_link(person.id, person.email, person.name, person.language or "en")
            return f"queued a one-time sign-in link for {email} (message {queued[0]}; see the Outbox)"
        token = await create_sign_in_link(person.id)
        return f"{base_url}/sign-in/link/{token}"


def link(args: argparse.Namespace) -> int:
    settings = get_settings()
    mail_config.configure(settings)
    with database(settings):
        print(asyncio.run(_link(args.email.strip().lower(), settings.base_url, args.send)))
    return 0
