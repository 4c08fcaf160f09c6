"""Points, levels, badges and the rewards catalogue."""
