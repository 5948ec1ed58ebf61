"""Live-server requests and the test's own queries take turns on the database.

The live server's request threads and the test share one in-memory SQLite connection, which
fails ("database table is locked") when, say, a beacon and a step submit arrive together. A
module imports `one_request_at_a_time` to make its requests take turns, and wraps its own
queries in `with DB_TURN:` where a request may be in flight. (PostgreSQL, and the file database
`make run` uses with WAL and a busy timeout, serve them side by side.)
"""

import threading

import pytest

DB_TURN = threading.RLock()


@pytest.fixture(autouse=True, scope="module")
def one_request_at_a_time(live_server):
    server = live_server.thread.httpd
    application = server.get_app()

    def in_turn(environ, start_response):
        with DB_TURN:
            return application(environ, start_response)

    server.set_app(in_turn)
    yield
    server.set_app(application)
