"""Email texts: greetings when no name is known, and what an unproven address may be sent."""

import pytest

from entries.mail.render import DEFAULT_TEMPLATES, Template, greeted, merge_values, render


@pytest.mark.parametrize(("body", "context", "expected"), [
    ("Hi {{ name }},\n\nText", {}, "Hello,\n\nText"),
    ("Hi {{ name }},\n\nText", {"name": "Bo"}, "Hi {{ name }},\n\nText"),
    ("Dear {{ answers.first_name }} {{ answers.last_name }}!", {"answers.last_name": " "},
     "Hello!"),
    ("hey {{ name }}\nText", {}, "Hello,\nText"),
    ("Hi {{ name }}, see {{ answers.x }}.", {}, "Hi {{ name }}, see {{ answers.x }}."),
    ("Hi there,", {}, "Hi there,"),
    ("Thanks, {{ name }}", {}, "Thanks, {{ name }}"),
])
def test_a_greeting_with_nothing_to_fill_says_hello(body, context, expected):
    assert greeted(body, context) == expected


@pytest.mark.parametrize("trigger", sorted(DEFAULT_TEMPLATES))
def test_no_built_in_email_opens_hi_comma(trigger):
    context = {"resume_link": "https://x.example/r", "claim_link": "https://x.example/c",
               "claim_deadline": "1 May"}
    rendered = render(DEFAULT_TEMPLATES[trigger], context, campaign_name="Brew finder")
    assert rendered.text.startswith("Hello,\n\n")
    assert "Hi ," not in rendered.html
    assert ">Hello,<" in rendered.html
    named = render(DEFAULT_TEMPLATES[trigger], {**context, "name": "Bo"},
                   campaign_name="Brew finder")
    assert named.text.startswith("Hi Bo,\n\n")


def test_a_marketers_greeting_subject_is_tidied_too():
    rendered = render(Template("Hi {{ answers.first_name }}!", "Body"), {},
                      campaign_name="Brew finder")
    assert rendered.subject == "Hello!"


def test_a_resume_email_may_show_only_links():
    context = {"name": "Bo", "answers.q": "text", "outcome.title": "Bo's pick", "score": "3",
               "resume_link": "https://x.example/r", "unsubscribe_link": "https://x.example/u"}
    assert merge_values(context, "resume") == {"resume_link": "https://x.example/r",
                                               "unsubscribe_link": "https://x.example/u"}
    assert merge_values(context, "completed") == context
