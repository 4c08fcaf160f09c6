"""Talent: tables."""
