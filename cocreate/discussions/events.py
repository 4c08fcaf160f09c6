"""Signals this app sends, always after the transaction that caused them has committed."""

from django.dispatch import Signal

# kwargs: comment
comment_posted = Signal()
# kwargs: comment, user — once per member newly mentioned in a comment (on posting or editing)
member_mentioned = Signal()
# kwargs: comment — a visible comment was deleted or hidden (sent once, when the visible count dropped)
comment_removed = Signal()
