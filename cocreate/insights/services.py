"""Prototype tests and polls: services."""
