"""`labscout serve`: the web app and API on one port."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from labscout.api import auth
from labscout.cli.common import app, console, errors, settings
from labscout.errors import InvalidError, NotFoundError
from labscout.pipeline import db


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    insecure_cookies: Annotated[bool, typer.Option(
        "--insecure-cookies", help="Send the session cookie over plain HTTP to a non-local address too.")] = False,
    workers: Annotated[int, typer.Option(help="Worker processes (each serves requests on its own).")] = 1,
) -> None:
    """Serve the web app and the API (/api/v1, schema at /docs); sign in with an account from `labscout user add`."""
    import uvicorn

    from labscout.web.app import APP_FACTORY, create_app

    found = settings()
    with errors():
        if not 1 <= workers <= 64:
            raise InvalidError(f"workers: 1 to 64, not {workers}", field="workers")
        if not found.research_store.exists():
            raise NotFoundError(f"no research store at {found.research_store}; run `labscout ingest PATH` first")
        # Done once here, not by each worker at once: the schema and the signing key.
        engine = db.make_engine(found.pipeline_url)
        try:
            db.upgrade_if_behind(engine)
        finally:
            engine.dispose()
        auth.load_secret(found)
    local = host in ("127.0.0.1", "localhost", "::1")
    secure = not (insecure_cookies or local)
    console.print(f"LabScout at http://{host}:{port}/  (API: http://{host}:{port}/docs)"
                  + (f", {workers} workers" if workers > 1 else ""))
    if workers == 1:
        uvicorn.run(create_app(found, secure_cookies=secure), host=host, port=port, log_level="warning")
        return
    # Each worker process builds the app from the same environment, told here what the options chose.
    os.environ["LABSCOUT_SECURE_COOKIES"] = "1" if secure else "0"
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=workers, log_level="warning")
