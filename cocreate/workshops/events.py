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
