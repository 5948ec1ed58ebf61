"""Every builder page, for a campaign of each kind, with every <details> open: axe-core finds no
violation of any impact, and every id an ARIA attribute or a label points at exists.

The campaigns come from the gallery with simulated visitors (entries/demo.py), so results,
entrants, entries and draws show real figures, not empty states only."""

import copy

import pytest
from playwright.sync_api import expect

from campaigns.blueprints import gallery_template
from campaigns.services.campaigns import campaign_create, campaign_publish, campaign_set_status
from entries.demo import demo_visitors_seed
from entries.models import Entry
from entries.services.draws import draw_run
from tests.browser.test_runtime_browser import AXE
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

TEMPLATE_OF_KIND = {"quiz": "personality-quiz", "form": "lead-form",
                    "contest": "quiz-gated-contest", "giveaway": "giveaway",
                    "survey": "nps-survey"}
CAMPAIGN_PAGES = ("", "edit/", "logic/", "map/", "design/", "emails/", "emails/log/",
                  "settings/", "preview/", "share/", "results/", "entrants/")
WORKSPACE_PAGES = ("/app/", "/app/campaigns/new/", "/app/campaigns/new/personality-quiz/preview/",
                   "/app/members/", "/app/privacy/", "/app/settings/")


def _campaign(membership, template: str, *, published: bool = True):
    document = copy.deepcopy(gallery_template(template).document)
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=document)
    if published:
        campaign_publish(campaign=campaign, by=membership.user)
        campaign.refresh_from_db()
        demo_visitors_seed(campaign=campaign, visitors=8)
    return campaign


def _violations(page) -> list[str]:
    """axe-core's violations of every impact, ARIA or label references to missing ids, and
    names given to elements that cannot carry one."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(r"""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        const found = result.violations.map(v => `${v.impact} ${v.id}: ${v.help}\n` +
            v.nodes.slice(0, 5).map(n => `    ${n.target.join(" ")}`).join("\n"));
        const refs = ["aria-describedby", "aria-labelledby", "aria-controls", "for", "form"];
        for (const attr of refs) {
            for (const el of document.querySelectorAll(`[${attr}]`)) {
                for (const id of el.getAttribute(attr).split(/\s+/).filter(Boolean)) {
                    if (!document.getElementById(id)) {
                        found.push(`missing id: ${el.tagName.toLowerCase()}[${attr}] -> #${id}`);
                    }
                }
            }
        }
        // ARIA prohibits naming a generic element: a screen reader ignores the name.
        const generic = "div[aria-label], span[aria-label], p[aria-label]";
        for (const el of document.querySelectorAll(generic)) {
            if (!el.getAttribute("role")) {
                found.push(`aria-label on a ${el.tagName.toLowerCase()} without a role: ` +
                           el.getAttribute("aria-label"));
            }
        }
        return found;
    }""")


def _walk(page, base: str, paths) -> dict[str, list[str]]:
    problems = {}
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, f"{path}: {response.status}"
        found = _violations(page)
        if found:
            problems[path] = found
    return problems


@pytest.fixture
def owner_page(page, live_server):
    membership = MembershipFactory(role="owner", workspace__name="Acme Marketing")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(membership.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()
    return page, membership


@pytest.mark.parametrize("kind", TEMPLATE_OF_KIND)
def test_every_page_of_a_campaign_has_no_accessibility_violation(owner_page, live_server,
                                                                 kind):
    page, membership = owner_page
    campaign = _campaign(membership, TEMPLATE_OF_KIND[kind])
    if kind == "giveaway":  # ended and drawn: the draws page shows winners and the proof
        campaign_set_status(campaign=campaign, status="ended")
        draw_run(campaign=campaign, by=membership.user)
    entry = Entry.objects.filter(campaign=campaign).order_by("-completed_at", "pk").first()
    email = campaign.email_templates.order_by("pk").first()
    paths = [f"/app/campaigns/{campaign.pk}/{path}" for path in CAMPAIGN_PAGES]
    paths.append(f"/app/campaigns/{campaign.pk}/entrants/{entry.pk}/")
    if email is not None:
        paths.append(f"/app/campaigns/{campaign.pk}/emails/{email.pk}/")
    if kind in ("contest", "giveaway"):
        paths.append(f"/app/campaigns/{campaign.pk}/draws/")
    problems = _walk(page, live_server.url, paths)
    assert not problems, "\n".join(f"{path}:\n" + "\n".join(found)
                                   for path, found in problems.items())


def test_workspace_pages_and_a_draft_have_no_accessibility_violation(owner_page, live_server):
    page, membership = owner_page
    _campaign(membership, "knowledge-quiz")
    draft = _campaign(membership, "product-recommender", published=False)
    paths = [*WORKSPACE_PAGES, f"/app/campaigns/{draft.pk}/", f"/app/campaigns/{draft.pk}/map/",
             f"/app/campaigns/{draft.pk}/results/", f"/app/campaigns/{draft.pk}/entrants/"]
    problems = _walk(page, live_server.url, paths)
    assert not problems, "\n".join(f"{path}:\n" + "\n".join(found)
                                   for path, found in problems.items())
