"""The preview walks the draft exactly as the runtime walks the published version: for every
gallery template and two ways through it, the same steps in the same order, the same ending
and the same score."""

import copy
import html
import re

import pytest
from django.core import signing
from django.urls import reverse

from campaigns import flow
from campaigns.blueprints import gallery, gallery_template
from campaigns.services.campaigns import campaign_create, campaign_publish
from entries.models import Entry

pytestmark = pytest.mark.django_db
STATE = re.compile(r'name="preview_state" value="([^"]+)"')
HEADING = re.compile(r'<h1 id="stage-title"[^>]*>(.*?)</h1>', re.S)
SCORE = re.compile(r'<p class="rt-score">(.*?)</p>')
MAX_STEPS = 20


def answer(question: flow.Question, path: int) -> list[str]:
    """A valid answer: the first choice on path 0, the last on path 1."""
    rules = question.validation
    if question.choices:
        return [question.choices[-path].key if path else question.choices[0].key]
    picks = {
        "email": "ada@example.com", "phone": "+442079460958", "yes_no": "yes" if path else "no",
        "consent": "yes", "opinion_scale": "9" if path else "3", "long_text": "A few words",
        "date": rules.get("min") or rules.get("max") or "2026-06-01",
        "rating": str(rules.get("max") if path else rules.get("min")),
    }
    if question.kind == "number":
        low, high = rules.get("min"), rules.get("max")
        return [flow.display(question, high if path and high is not None else
                             low if low is not None else 3)]
    return [picks.get(question.kind, "Ada")]


def fill(definition: flow.Definition, step_key: str, path: int) -> dict:
    step = definition.steps_by_key[step_key]
    data = {"step": step_key, "action": "next"}
    for question in step.questions:
        if question.kind not in ("hidden", "statement", "file_upload"):
            data[question.key] = answer(question, path)
    return data


def runtime_walk(client, campaign, definition, path):
    url = client.post(f"/c/{campaign.slug}/").headers["Location"]
    entry = Entry.objects.get(token=url.rstrip("/").split("/")[-1])
    steps = []
    while entry.is_open and len(steps) < MAX_STEPS:
        steps.append(entry.current_step)
        client.post(url, fill(definition, entry.current_step, path))
        entry.refresh_from_db()
    return steps, ending(client.get(url).text)


def ending(page: str) -> tuple[str, list[str]]:
    """What the result page says: its heading, and the score where it shows one."""
    return HEADING.search(page).group(1).strip(), SCORE.findall(page)


def preview_walk(client, campaign, definition, path):
    url = reverse("builder:campaign_preview_frame", args=[campaign.pk])
    response = client.get(url)
    salt = f"stepcraft.preview.{campaign.pk}"

    def token():
        found = STATE.search(response.text)  # the result page has no form, hence no state
        return html.unescape(found.group(1)) if found else None

    if not signing.loads(token(), salt=salt)["step"]:  # the intro's Start
        response = client.post(url, {"preview_state": token()})
    steps = []
    while token() and len(steps) < MAX_STEPS:
        step_key = signing.loads(token(), salt=salt)["step"]
        steps.append(step_key)
        response = client.post(url, {"preview_state": token(),
                                     **fill(definition, step_key, path)})
    return steps, ending(response.text)


@pytest.mark.parametrize("path", [0, 1])
@pytest.mark.parametrize("slug", [template.slug for template in gallery()])
def test_the_preview_takes_the_runtimes_way(client, owner, workspace, slug, path):
    campaign = campaign_create(workspace=workspace, by=owner,
                               document=copy.deepcopy(gallery_template(slug).document))
    campaign_publish(campaign=campaign, by=owner)
    campaign.refresh_from_db()
    definition = flow.load(campaign.published_version.definition)
    client.force_login(owner)
    live = runtime_walk(client, campaign, definition, path)
    entries = Entry.objects.count()
    preview = preview_walk(client, campaign, definition, path)
    assert preview == live, (preview, live)
    assert len(live[0]) >= 2
    assert Entry.objects.count() == entries  # the preview wrote nothing
