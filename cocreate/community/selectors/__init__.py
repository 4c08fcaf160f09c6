"""Reads for the community, one module per subject."""
