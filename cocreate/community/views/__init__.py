"""Web pages of the community, one module per subject; each holds its own `urlpatterns`."""
