"""Who may do what in talent."""
