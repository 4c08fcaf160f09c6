"""Reads for workshops."""
