"""Reads for talent."""
