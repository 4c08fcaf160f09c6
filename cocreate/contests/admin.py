"""Back-office registrations for contests."""
