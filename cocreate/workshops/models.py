"""Workshops: tables."""
