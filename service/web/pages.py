"""Pages for people: a list of the agreements at /, and a page for each agreement that
draws its timeline, lists its events with their sources, and answers the status on any
day as known at any instant.

The pages are plain server-rendered HTML with one small script (service/web/static/page.js)
that reads the same JSON the API serves; no build step, no third-party code. A strict
Content-Security-Policy allows nothing but this origin's own files.
"""

from flask import Blueprint, Response, make_response, render_template

from service import queries
from service.http.handles import handles
from service.http.promises import DATABASE_PROBLEMS, Answer, promises

bp = Blueprint("pages", __name__)

POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"


@bp.get("/")
@promises(
    summary="The agreements, for people",
    tag="pages",
    answers=(Answer(200, "an HTML page", None, "text/html"),),
    problems=DATABASE_PROBLEMS,
)
def index() -> Response:
    """Every agreement, linked to its page."""
    return _page(render_template("index.html", agreements=queries.registrations(handles().store)))


@bp.get("/agreements/<agreement:agreement_id>/page")
@promises(
    summary="An agreement's page, for people",
    tag="pages",
    answers=(Answer(200, "an HTML page: timeline, events, status on any day", None, "text/html"),),
    problems=("agreement-not-found", *DATABASE_PROBLEMS),
)
def agreement_page(agreement_id: str) -> Response:
    """The timeline drawn, the events with their sources, a date picker and a known-at slider."""
    store = handles().store
    registration = queries.registration_in(queries.history_of(store, agreement_id))
    return _page(render_template("agreement.html", agreement_id=agreement_id, registration=registration))


def _page(html: str) -> Response:
    response = make_response(html)
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
