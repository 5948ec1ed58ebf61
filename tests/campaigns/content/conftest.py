import pytest

from campaigns.services.campaigns import campaign_create
from tests.entries.documents import branching_quiz


@pytest.fixture
def quiz(workspace, editor):
    """Three steps (about, taste, strength), a rule on taste testing `drink`, two outcomes."""
    return campaign_create(workspace=workspace, by=editor, document=branching_quiz())


@pytest.fixture
def edit(quiz, editor):
    """Call a content service as `editor` on the quiz's current revision."""

    def call(service, **arguments):
        quiz.refresh_from_db()
        return service(by=editor, revision=quiz.revision, **arguments)

    return call
