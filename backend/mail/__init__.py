"""Outgoing mail: messages written as rows in the transaction of the action that causes them,
sent by a procrastinate job queue on the same PostgreSQL (docs/mail.md)."""
