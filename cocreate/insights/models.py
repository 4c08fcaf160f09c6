"""Prototype tests and polls: models."""
