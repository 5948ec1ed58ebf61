import socket
import threading

import kombu.transport.redis  # noqa: F401  (broker_down sends through it; loaded before any test)
import pytest

from campaigns.models import Role
from campaigns.services.campaigns import campaign_create, campaign_publish
from campaigns.versions import definition_for
from config.celery import Task, app
from entries import fragments
from entries.webhooks.endpoints import subscriptions_forget_all
from entries.webhooks.events import version_number
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.webhook_receiver import Receiver, serve, stop


@pytest.fixture(autouse=True)
def _fresh_version_cache():
    """Versions are cached by id for the life of a process; tests roll back and reuse ids."""
    definition_for.cache_clear()
    version_number.cache_clear()
    subscriptions_forget_all()  # cached per workspace id, and ids are reused too
    fragments.forget_all()  # steps' forms are kept per version id


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Acme Marketing")


def _member(workspace, role):
    return MembershipFactory(workspace=workspace, role=role).user


@pytest.fixture
def owner(workspace):
    return _member(workspace, Role.OWNER)


@pytest.fixture
def editor(workspace):
    return _member(workspace, Role.EDITOR)


@pytest.fixture
def viewer(workspace):
    return _member(workspace, Role.VIEWER)


@pytest.fixture
def outsider(db):
    """A member of another workspace only."""
    return MembershipFactory(workspace=WorkspaceFactory(name="Rival Co"), role=Role.OWNER).user


@pytest.fixture
def login(client):
    def login_as(user):
        client.force_login(user)
        return client

    return login_as


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def publish(db):
    """Create a campaign from a blueprint document and publish it: `publish(doc, **fields)`."""
    def publish_document(document, **fields):
        membership = MembershipFactory(role=Role.OWNER)
        campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                                   document=document)
        for name, value in fields.items():
            # Settings add to those the document carries (a template's rules and gate).
            setattr(campaign, name, {**campaign.settings, **value} if name == "settings"
                    else value)
        campaign.save()
        campaign_publish(campaign=campaign, by=membership.user)
        campaign.refresh_from_db()
        return campaign

    return publish_document


@pytest.fixture
def private_uploads(settings, tmp_path):
    """Visitors' files in a folder of the test's own: entry ids repeat from one test to the next,
    and so would the folders their files are kept in."""
    settings.STORAGES = {**settings.STORAGES, "uploads": {
        **settings.STORAGES["uploads"], "OPTIONS": {"location": str(tmp_path / "uploads")}}}


@pytest.fixture
def broker_down(monkeypatch):
    """Celery sends through a real Redis transport to a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    # Read before the settings' broker URL (and CELERY_BROKER_URL) when Celery sends a task.
    monkeypatch.setenv("CELERY_BROKER_WRITE_URL", f"redis://127.0.0.1:{closed_port}/0")
    _drop_broker_pools(app)
    yield
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL")
    app.conf.task_always_eager = eager
    _drop_broker_pools(app)
    Task._broker_down_until = 0.0


def _drop_broker_pools(app) -> None:
    """Let Celery pick its connection pool again for the broker URL now set (a new process
    would); kombu keeps one pool per URL, so the other URL's pool stays open for its return."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


class _Doorman:
    """Counts the live server's requests in flight and, between tests, turns new ones away.

    A page closing at a test's end still sends its beacons; one reaching the in-memory database
    while the test's rows are flushed fails the flush ("database table is locked")."""

    def __init__(self):
        self.open = True
        self.in_flight = 0
        self.changed = threading.Condition()

    def wrap(self, application):
        def admitted(environ, start_response):
            with self.changed:
                if not self.open:
                    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                    return [b"Between tests."]
                self.in_flight += 1
            try:
                return application(environ, start_response)
            finally:
                with self.changed:
                    self.in_flight -= 1
                    self.changed.notify_all()

        return admitted

    def close_and_wait(self, timeout: float = 10) -> None:
        with self.changed:
            self.open = False
            self.changed.wait_for(lambda: self.in_flight == 0, timeout=timeout)


@pytest.fixture(scope="session")
def _doorman(live_server):
    server = live_server.thread.httpd
    doorman = _Doorman()
    server.set_app(doorman.wrap(server.get_app()))
    return doorman


@pytest.fixture(autouse=True)
def _quiet_server_at_teardown(request):
    """Set up after the test database, so its teardown runs before the rows are flushed."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    doorman = request.getfixturevalue("_doorman")
    doorman.open = True
    yield
    doorman.close_and_wait()


@pytest.fixture
def receiver():
    """A real HTTP receiver on loopback for webhook tests (tests/webhook_receiver.py)."""
    running = serve(Receiver())
    yield running
    stop(running)
