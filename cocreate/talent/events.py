"""Signals this app sends, always after the transaction that caused them has committed.

Receivers (notifications) react; nothing here knows who listens.
"""

from django.dispatch import Signal

# kwargs: application — a member applied to an opportunity (tell its owner)
application_submitted = Signal()
# kwargs: application — the owner or staff accepted or declined it (tell the member)
application_decided = Signal()
