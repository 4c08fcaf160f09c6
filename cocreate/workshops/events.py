"""Signals this app sends, always after the transaction that caused them has committed.

Receivers (rewards, notifications) react; nothing here knows who listens.
"""

from django.dispatch import Signal

# kwargs: workshop, user — staff marked the member present (sent once per member and workshop)
attendance_recorded = Signal()
# kwargs: workshop, user — attendance was taken back (a mistake corrected): undo what it earned
attendance_withdrawn = Signal()
# kwargs: workshop, user, response — the member answered the satisfaction survey (once)
survey_completed = Signal()
# kwargs: workshop, user_ids — members were invited (hand-picked or as members of a target persona)
members_invited = Signal()
# kwargs: workshop, user — a place freed up and the member moved from the waitlist to registered
waitlist_promoted = Signal()
# kwargs: workshop, user_ids — staff cancelled the workshop; these members held a place or were waiting
workshop_cancelled = Signal()
