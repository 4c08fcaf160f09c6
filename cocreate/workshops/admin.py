"""Back-office registrations for workshops."""
