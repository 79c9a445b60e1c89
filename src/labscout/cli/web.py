"""`labscout serve`: the web app and API on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from labscout.cli.common import app, console, errors
from labscout.config import Settings
from labscout.errors import NotFoundError


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    insecure_cookies: Annotated[bool, typer.Option(
        "--insecure-cookies", help="Send the session cookie over plain HTTP to a non-local address too.")] = False,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web app and the API (/api/v1, schema at /docs); sign in with an account from `labscout user add`."""
    import uvicorn

    from labscout.web.app import create_app

    settings = Settings.from_env()
    with errors():
        if not settings.research_store.exists():
            raise NotFoundError(f"no research store at {settings.research_store}; run `labscout ingest PATH` first")
    local = host in ("127.0.0.1", "localhost", "::1")
    console.print(f"LabScout at http://{host}:{port}/  (API: http://{host}:{port}/docs)")
    uvicorn.run(create_app(settings, secure_cookies=not (insecure_cookies or local)), host=host, port=port,
                workers=workers, log_level="warning")
