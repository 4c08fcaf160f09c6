"""Text intelligence: pure functions over text (no models of other apps), such as idea similarity."""
