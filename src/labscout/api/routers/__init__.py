"""API routers, one per capability; `api.app` mounts them all under /api/v1."""
