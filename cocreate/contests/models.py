"""Design contests: tables."""
