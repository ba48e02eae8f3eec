"""Discussions under the Chatham House Rule: threads on published charts and themes, posts
that other partners read without any attribution, moderation by staff (docs/exchange.md)."""
