"""What prototype tests tell the rest of the platform; sent after commit."""

from __future__ import annotations

from django.dispatch import Signal

# test_id, persona_ids: members were invited (by hand, or by persona: to be expanded), or the test opened
# and its invitations are due.
invitations_requested = Signal()
