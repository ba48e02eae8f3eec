"""Sessions, roles and guards, tokens, passwords, security headers, rate limits."""
