"""Prototype tests and polls pages."""
