"""Who may do what in workshops."""
