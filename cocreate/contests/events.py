"""What contests tell the rest of the platform; sent after commit."""

from __future__ import annotations

from django.dispatch import Signal

# contest_id, user_ids: members were invited to design for a contest.
designers_invited = Signal()
# contest_id, user_ids: members were appointed to a contest's jury.
jurors_appointed = Signal()
# contest_id, entry_id, designer_id: a designer submitted a new entry.
entry_submitted = Signal()
# contest_id, places ({place: entry_id}): staff named the winners.
winners_named = Signal()
