"""Back-office views of prototype tests and polls."""
