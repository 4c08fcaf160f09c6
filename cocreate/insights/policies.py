"""Prototype tests and polls: policies."""
