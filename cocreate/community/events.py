"""What the community tells the rest of the platform; sent after commit."""

from __future__ import annotations

from django.dispatch import Signal

# thread: a new opening post (any kind).
thread_posted = Signal()
# thread, old, new, message: a triage status change shown on the post.
feedback_status_changed = Signal()
# thread, comment: the asker (or a moderator) accepted an answer.
answer_accepted = Signal()
# improvement, credited_user_ids: published; sent again when a later link credits new members.
improvement_published = Signal()
