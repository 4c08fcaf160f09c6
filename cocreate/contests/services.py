"""Writes for contests."""
