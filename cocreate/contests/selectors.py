"""Reads for contests."""
