"""Public pages and sign-up (issue 12, item 6; docs/signup.md): the public page about the
initiative, the sign-up form with double opt-in, staff review, unsubscribe, and a person's
right to see and delete what is stored about their sign-up."""
