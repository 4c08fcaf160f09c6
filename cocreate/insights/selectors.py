"""Prototype tests and polls: selectors."""
