"""Reads for challenges, split by subject like the services."""
