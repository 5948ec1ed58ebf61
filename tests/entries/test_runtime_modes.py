"""The display mode a campaign's theme names picks how the runtime shows a step; the form the
server reads, and so what an entry records, is the same in every mode."""

import pytest
from django.core.cache import cache

from campaigns import flow
from tests.entries.documents import branching_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _first_step(client, campaign):
    url = client.post(f"/c/{campaign.slug}/").headers["Location"]
    return url, client.get(url)


def _quiz(mode: str, **theme) -> dict:
    document = branching_quiz()
    return {**document, "theme": {**document.get("theme", {}), "mode": mode, **theme}}


def test_a_theme_without_a_mode_is_a_card_and_a_bad_mode_is_refused():
    assert flow.load(branching_quiz()).theme.mode == "card"
    with pytest.raises(flow.BlueprintError) as refused:
        flow.load(_quiz("carousel"))
    assert any(p.path == "theme.mode" for p in refused.value.problems)
    with pytest.raises(flow.BlueprintError):
        flow.load(_quiz("chat", persona="x" * 61))


@pytest.mark.parametrize("mode", ["card", "focus", "chat"])
def test_each_mode_renders_its_template_around_the_same_form(client, publish, mode):
    campaign = publish(_quiz(mode, persona="Mia"))
    _, page = _first_step(client, campaign)
    used = {t.name for t in page.templates}
    assert "entries/_step.html" in used
    assert ("entries/modes/focus_step.html" in used) == (mode == "focus")
    assert ("entries/modes/chat_step.html" in used) == (mode == "chat")
    html = page.text
    assert f'<body class="font-system mode-{mode}">' in html
    assert ("runtime/modes.js" in html) == (mode != "card")
    assert 'name="name"' in html  # the step's question, answered by the same form


def test_chat_names_its_persona_or_else_the_campaign(client, publish):
    campaign = publish(_quiz("chat", persona="Mia from Bean & Co"))
    html = _first_step(client, campaign)[1].text
    assert '<span class="rt-persona-name">Mia from Bean &amp; Co</span>' in html
    assert 'data-label-log="Conversation with Mia from Bean &amp; Co"' in html
    unnamed = publish(_quiz("chat"))
    html = _first_step(client, unnamed)[1].text
    assert f'<span class="rt-persona-name">{unnamed.name}</span>' in html


@pytest.mark.parametrize("mode", ["focus", "chat"])
def test_the_page_says_before_its_first_paint_that_scripts_run(client, publish, mode):
    """modes.css lays the step out as modes.js will (and shows focus's key hint) under `.js`,
    set in the head, so the page does not jump when the script takes over."""
    html = _first_step(client, publish(_quiz(mode)))[1].text
    head = html.split("</head>")[0]
    assert '<script>document.documentElement.classList.add("js")</script>' in head
    assert head.index('classList.add("js")') < head.index("css/modes.css")
    assert ("data-keys-hint" in html) == (mode == "focus")


def test_a_card_page_needs_no_such_mark(client, publish):
    assert 'classList.add("js")' not in _first_step(client, publish(_quiz("card")))[1].text


@pytest.mark.parametrize("mode", ["focus", "chat"])
def test_a_step_submitted_in_any_mode_moves_on_and_keeps_its_answer(client, publish, mode):
    campaign = publish(_quiz(mode))
    url, _ = _first_step(client, campaign)
    answered = client.post(url, {"step": "about", "name": "Bo"}, HTTP_HX_REQUEST="true")
    assert answered.status_code == 200
    assert "entries/modes/" + mode + "_step.html" in {t.name for t in answered.templates}
    assert "Bo, pick one" in answered.text
