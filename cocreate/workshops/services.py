"""Writes for workshops."""
