"""Who may do what in contests."""
