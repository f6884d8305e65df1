"""The OpenAPI 3.1 document (document.py, with every event type from events.py), served at
/openapi.json, with a browsable Swagger UI at /docs."""

from pathlib import Path

import swagger_ui
from flask import Blueprint, Response, current_app, render_template, send_from_directory

from service.api.openapi.document import build
from service.http.promises import JSON, Answer, promises

__all__ = ["bp", "build"]

bp = Blueprint("openapi", __name__)

SWAGGER_UI = Path(swagger_ui.__file__).parent / "static"


@bp.get("/openapi.json")
@promises(
    summary="This document",
    tag="documentation",
    answers=(Answer(200, "the OpenAPI 3.1 document of this service", None),),
)
def document() -> Response:
    """The OpenAPI document, for client generators, dashboards and fuzzers."""
    built = current_app.extensions.get("pact_openapi")
    if built is None:
        built = current_app.extensions["pact_openapi"] = build(current_app)
    return current_app.response_class(current_app.json.dumps(built), mimetype=JSON)


@bp.get("/docs")
@promises(
    summary="Browsable API documentation", tag="documentation", answers=(Answer(200, "Swagger UI", None, "text/html"),)
)
def docs() -> str:
    """Swagger UI over /openapi.json, served from this server (no CDN)."""
    return render_template("docs.html")


@bp.get("/docs/assets/<path:name>")
def swagger_ui_asset(name: str) -> Response:
    return send_from_directory(SWAGGER_UI, name, max_age=86400)
