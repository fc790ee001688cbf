"""The editor API routes, one module per resource."""
