"""Writes for talent."""
