"""Writes for the community, one module per subject: forum (boards, threads, replies, reviews, reads),
triage, themes, improvements."""
