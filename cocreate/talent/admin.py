"""Back-office registrations for talent."""
