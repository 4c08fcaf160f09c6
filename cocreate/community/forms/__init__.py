"""Forms of the community pages, one module per subject."""
