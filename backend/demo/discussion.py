"""The demo's discussion (issue 12): partners discussing a chart and a theme of the published
demo round under the Chatham House Rule, a reply from staff, and the demo partner following
the chart's thread (so they have notices). Written through the exchange's own services."""

from __future__ import annotations

from backend.exchange.notices import set_following
from backend.exchange.posts import write_post
from backend.exchange.schemas import ThreadKind
from backend.exchange.threads import round_subjects
from backend.i18n import language_for
from backend.security.roles import Viewer

CHART_POSTS = (
    "We started measuring success by **reduced violence** around markets rather than by arrests. "
    "It took a year before the figures moved.",
    "How did you get the health partners to share data? That is where we are stuck.",
    "A data-sharing agreement signed at chief-officer level, reviewed every year. Happy to say more "
    "at the next meeting.",
)
THEME_POSTS = ("Is anyone evaluating their strategy independently? We would like to compare notes on method.",)
STAFF_REPLY = "The next meeting will have a session on evaluation; the report library has two studies on it."


async def seed_discussion(round_id: int, partners: list[Viewer], staff: Viewer, follower: Viewer) -> None:
    """Posts on the round's first chart and first theme by `partners` (no names, no forces),
    a staff reply, and `follower` following the chart's thread."""
    english = language_for("en")
    found = await round_subjects(round_id, english)
    if found is None:
        return
    subjects = found[1]
    chart = next(s.key for s in subjects if s.key.kind == ThreadKind.CHART)
    theme = next(s.key for s in subjects if s.key.kind == ThreadKind.THEME)
    await set_following(chart, follower, True)
    first = None
    for author, text in zip(partners, CHART_POSTS, strict=False):
        post = await write_post(chart, author, text, first, False, english)
        first = first or post.id
    for author, text in zip(reversed(partners), THEME_POSTS, strict=False):
        post = await write_post(theme, author, text, None, False, english)
        await write_post(theme, staff, STAFF_REPLY, post.id, False, english)
