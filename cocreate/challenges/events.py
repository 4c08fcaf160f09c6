"""Signals this app sends, always after the transaction that caused them has committed.

Receivers (notifications, rewards, webhooks) enqueue tasks; nothing here knows who listens.
"""

from django.dispatch import Signal

# kwargs: idea, actor
idea_published = Signal()
# kwargs: idea, user, support_count
idea_supported = Signal()
# kwargs: idea, user
support_withdrawn = Signal()
# kwargs: idea, threshold, qualifies, deadline — sent exactly once per idea and threshold
milestone_reached = Signal()
# kwargs: idea, from_status, to_status, actor, message
idea_status_changed = Signal()
# kwargs: idea, outcome, rationale, actor
decision_made = Signal()
# kwargs: source, target, moved_user_ids — the members whose support now counts on the target
ideas_merged = Signal()
