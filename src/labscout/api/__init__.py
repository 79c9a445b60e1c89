"""The HTTP interface: JSON API under /api/v1 and the web pages, over the same services."""
