"""The template gallery: every starter blueprint loads, validates cleanly, ends on every path,
recalls only answers it has, and ships the images it refers to.

Paths are enumerated exhaustively (a DFS over steps that branches on every choice), so a template
edit that strands a visitor, orphans an outcome or recalls an answer that may be empty fails here.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree

import pytest

from campaigns.blueprints import GALLERY_DIR, gallery, gallery_template
from campaigns.flow import (
    Definition,
    Outcome,
    Question,
    State,
    advance,
    clean_answer,
    dump,
    first_step,
    load,
    normalise,
    recall_context,
    render,
    tags_in,
    validate,
    walk,
)
from campaigns.services.campaigns import campaign_check, campaign_create, campaign_publish
from tests.factories import MembershipFactory

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"

# slug -> every outcome key, each of which some path must reach.
EXPECTED_OUTCOMES = {
    "personality-quiz": {"espresso", "cappuccino", "flat_white", "cold_brew"},
    "knowledge-quiz": {"keep_learning", "passed", "perfect"},
    "product-recommender": {"ridgeback_trail", "steadfast", "tempo_racer", "cloudline"},
    "lead-form": {"self_serve", "team", "enterprise"},
    "nps-survey": {"listening", "thanks_passive", "thanks_promoter"},
    "giveaway": {"entered"},
    "quiz-gated-contest": {"eligible", "not_this_time"},
    "event-registration": {"registered", "registered_online"},
}
SLUGS = sorted(EXPECTED_OUTCOMES)

# Warnings a template is allowed to keep, by slug, each with the reason beside it. None today.
ALLOWED_WARNINGS: dict[str, set[str]] = {}

INTRO_IMAGE_MAX_BYTES = 6 * 1024
CHOICE_IMAGE_MAX_BYTES = 3 * 1024
MIN_CONTRAST = 4.5


def document(slug: str) -> dict[str, Any]:
    return json.loads((GALLERY_DIR / f"{slug}.json").read_text(encoding="utf-8"))


def definition(slug: str) -> Definition:
    return load(document(slug))


# -- Enumerating paths ------------------------------------------------------------------------


def _subsets(question: Question) -> list[list[str] | None]:
    """A few multiple-choice answers: each choice alone, the correct set, all, and none."""
    keys = [choice.key for choice in question.choices]
    candidates: list[list[str]] = [[key] for key in keys] + [keys]
    if isinstance(question.correct, tuple):
        candidates.append(list(question.correct))
    fewest = question.validation["min_choices"]
    most = question.validation["max_choices"]
    fitting = [c for c in candidates if len(c) >= fewest and (most is None or len(c) <= most)]
    unique = [list(subset) for subset in dict.fromkeys(tuple(c) for c in fitting)]
    return unique if question.required else [*unique, None]


def raw_answers(question: Question) -> list[Any]:
    """What a visitor could post for `question`: every choice, or a valid sample value, plus
    nothing at all when the question is optional."""
    rules = question.validation
    kind = question.kind
    if kind in ("single_choice", "image_choice", "dropdown"):
        samples: list[Any] = [choice.key for choice in question.choices]
    elif kind == "multiple_choice":
        return _subsets(question)
    elif kind == "opinion_scale":
        samples = [str(number) for number in range(11)]
    elif kind == "rating":
        samples = [str(number) for number in range(rules["min"], rules["max"] + 1)]
    elif kind == "consent":
        # An unticked checkbox posts nothing, which an optional consent stores as False.
        return ["on"] if question.required else ["on", ""]
    elif kind == "yes_no":
        samples = ["yes", "no"]
    elif kind == "statement":
        return [None]
    elif kind == "number":
        low = 1 if rules["min"] is None else rules["min"]
        high = low if rules["max"] is None else rules["max"]
        samples = [str(low), str(high)]
    else:
        samples = [
            {
                "short_text": "Ada",
                "long_text": "The onboarding call was really helpful.\nThank you!",
                "email": "Ada.Lovelace@Example.COM",
                "phone": "+44 20 7946 0958",
                "date": rules.get("min") or "2030-01-15",
                "hidden": "newsletter",
                "file_upload": {
                    "name": "brief.pdf",
                    "size": 1024,
                    "content_type": "application/pdf",
                    "path": "uploads/brief.pdf",
                },
            }[kind]
        ]
    return samples if question.required else [*samples, None]


class Visit(NamedTuple):
    answers: dict[str, Any]
    steps: tuple[str, ...]
    state: State
    outcome: Outcome | None


def enumerate_paths(flow: Definition) -> Iterator[Visit]:
    """Every path through the flow for every combination of the sample answers."""

    def visit(step_key: str, answers: dict[str, Any], state: State, trail: tuple[str, ...]):
        trail = (*trail, step_key)
        step = flow.steps_by_key[step_key]
        options = [
            [(question.key, clean_answer(question, raw)) for raw in raw_answers(question)]
            for question in step.questions
        ]
        for combination in itertools.product(*options):
            given = {**answers, **{key: value for key, value in combination if value is not None}}
            result = advance(flow, step_key, given, state)
            if result.finished:
                yield Visit(given, trail, result.state, result.outcome)
            else:
                assert result.next_step not in trail, f"loop back to {result.next_step}"
                yield from visit(result.next_step, given, result.state, trail)

    yield from visit(first_step(flow), {}, State(), ())


@pytest.fixture(scope="module", params=SLUGS)
def explored(request) -> tuple[str, Definition, list[Visit]]:
    flow = definition(request.param)
    return request.param, flow, list(enumerate_paths(flow))


# -- The gallery ------------------------------------------------------------------------------


def test_gallery_lists_every_template():
    templates = {template.slug: template for template in gallery()}
    assert sorted(templates) == SLUGS
    for slug, template in templates.items():
        assert template.name.strip()
        assert template.description.strip()
        assert "\n" not in template.description
        assert template.image == f"gallery/{slug}.svg"


@pytest.mark.parametrize("slug", SLUGS)
def test_template_loads_and_normalise_is_idempotent(slug):
    raw = document(slug)
    normalised = normalise(raw)
    assert raw["schema"] == 1
    assert normalise(normalised) == normalised
    assert dump(load(raw)) == normalised


@pytest.mark.parametrize("slug", SLUGS)
def test_validate_reports_no_problem(slug):
    problems = validate(definition(slug))
    allowed = ALLOWED_WARNINGS.get(slug, set())
    unexpected = [
        f"{problem.level} {problem.code} at {problem.where}: {problem.message}"
        for problem in problems
        if problem.level == "error" or problem.code not in allowed
    ]
    assert unexpected == []


@pytest.mark.parametrize("slug", SLUGS)
def test_keys_are_readable_slugs(slug):
    doc = normalise(document(slug))
    readable = re.compile(r"[a-z][a-z0-9_]*")
    keys = [step["key"] for step in doc["steps"]]
    keys += [question["key"] for step in doc["steps"] for question in step["questions"]]
    keys += [outcome["key"] for outcome in doc["outcomes"]]
    assert [key for key in keys if not readable.fullmatch(key)] == []


# -- Paths ------------------------------------------------------------------------------------


def test_every_path_finishes_as_walk_does(explored):
    _, flow, paths = explored
    assert paths
    for path in paths:
        walked = walk(flow, path.answers)
        assert walked.finished
        assert walked.path == path.steps
        assert walked.outcome == path.outcome


def test_every_outcome_and_step_is_reached(explored):
    slug, flow, paths = explored
    assert {outcome.key for outcome in flow.outcomes} == EXPECTED_OUTCOMES[slug]
    # No visitor ever lands on the generic thank-you page: each template ends with an outcome.
    assert all(path.outcome is not None for path in paths)
    assert {path.outcome.key for path in paths} == EXPECTED_OUTCOMES[slug]
    assert {step for path in paths for step in path.steps} == set(flow.steps_by_key)


def test_recall_is_never_empty_and_leaves_no_tag(explored):
    """Every `answers.*` an outcome or its emails recall has a value on every path there."""
    _, flow, paths = explored
    extra = {"result_link": "x", "referral_link": "x", "unsubscribe_link": "x", "name": "x",
             "claim_link": "x", "claim_deadline": "x", "proof_link": "x"}
    for path in paths:
        context = {**recall_context(flow, path.answers, path.state, path.outcome), **extra}
        emails = [
            email
            for email in flow.emails
            if email.trigger in ("completed", "winner")
            or (email.trigger == "outcome" and email.outcome == path.outcome.key)
        ]
        texts = [path.outcome.title, path.outcome.body]
        texts += [text for email in emails for text in (email.subject, email.body)]
        for text in texts:
            for name in tags_in(text):
                assert context.get(name), f"{{{{ {name} }}}} is empty on path {path.steps}"
            assert "{{" not in render(text, context, html=False)


# Representative visitors, so the branching each template promises is pinned down.
SCENARIOS = [
    (
        "personality-quiz",
        {
            "saturday_morning": "hammock",
            "inbox_style": "later",
            "favourite_mug": "tall_glass",
            "friends_say": "unflappable",
            "dream_trip": "cabin",
            "power": "calm",
        },
        None,
        "cold_brew",
    ),
    (
        "personality-quiz",
        {
            "saturday_morning": "sunrise_run",
            "inbox_style": "people_first",
            "favourite_mug": "wide_cup",
            "friends_say": "warm",
            "dream_trip": "road_trip",
            "power": "speed",
        },
        None,
        "cappuccino",
    ),
    (
        "knowledge-quiz",
        {
            "decorative_alt": "empty",
            "contrast_ratio": "r4_5",
            "button_key": "space",
            "screen_reader_overview": "headings",
            "accessible_name": ["label_for", "aria_labelledby", "aria_label"],
            "carousel": "pause",
        },
        None,
        "perfect",
    ),
    (
        "knowledge-quiz",
        {
            "decorative_alt": "empty",
            "contrast_ratio": "r4_5",
            "button_key": "space",
            "screen_reader_overview": "headings",
            "accessible_name": ["label_for", "aria_label"],
        },
        None,
        "passed",
    ),
    (
        "knowledge-quiz",
        {
            "decorative_alt": "empty",
            "contrast_ratio": "r4_5",
            "button_key": "space",
            "carousel": "nothing",
        },
        None,
        "keep_learning",
    ),
    (
        "product-recommender",
        {"surface": "trail", "goal": "faster", "support": "rolls_in"},
        None,
        "ridgeback_trail",
    ),
    (
        "product-recommender",
        {"surface": "mixed", "goal": "long", "support": "neutral"},
        None,
        "ridgeback_trail",
    ),
    (
        "product-recommender",
        {"surface": "road", "goal": "faster", "support": "rolls_in"},
        None,
        "steadfast",
    ),
    (
        "product-recommender",
        {"surface": "treadmill", "goal": "faster", "support": "unsure"},
        None,
        "tempo_racer",
    ),
    (
        "product-recommender",
        {"surface": "road", "goal": "faster", "support": "sore"},
        None,
        "cloudline",
    ),
    ("lead-form", {"company_size": "size_1_10"}, ("contact", "company_profile"), "self_serve"),
    (
        "lead-form",
        {"company_size": "size_51_200"},
        ("contact", "company_profile", "team_needs"),
        "team",
    ),
    (
        "lead-form",
        {"company_size": "size_201_1000"},
        ("contact", "company_profile", "enterprise"),
        "enterprise",
    ),
    ("nps-survey", {"nps": 0}, ("rating", "detractor", "follow_up"), "listening"),
    ("nps-survey", {"nps": 6}, ("rating", "detractor", "follow_up"), "listening"),
    ("nps-survey", {"nps": 7}, ("rating", "passive", "follow_up"), "thanks_passive"),
    ("nps-survey", {"nps": 8}, ("rating", "passive", "follow_up"), "thanks_passive"),
    ("nps-survey", {"nps": 9}, ("rating", "promoter", "follow_up"), "thanks_promoter"),
    ("nps-survey", {"nps": 10}, ("rating", "promoter", "follow_up"), "thanks_promoter"),
    ("giveaway", {"cabin": "forest"}, ("pick_cabin", "enter"), "entered"),
    ("quiz-gated-contest", {"aperture": "f1_8", "rule_of_thirds": "nine"}, None, "eligible"),
    (
        "quiz-gated-contest",
        {"aperture": "f1_8", "rule_of_thirds": "six", "golden_hour": "noon"},
        None,
        "not_this_time",
    ),
    (
        "event-registration",
        {"ticket_type": "full_pass"},
        ("attendee", "ticket", "workshop", "dietary", "agreements"),
        "registered",
    ),
    (
        "event-registration",
        {"ticket_type": "day_pass"},
        ("attendee", "ticket", "dietary", "agreements"),
        "registered",
    ),
    (
        "event-registration",
        {"ticket_type": "online"},
        ("attendee", "ticket", "agreements"),
        "registered_online",
    ),
]


@pytest.mark.parametrize(("slug", "answers", "steps", "outcome"), SCENARIOS)
def test_branching(slug, answers, steps, outcome):
    walked = walk(definition(slug), answers)
    assert walked.finished
    assert walked.outcome is not None
    assert walked.outcome.key == outcome
    if steps is not None:
        assert walked.path == steps


@pytest.mark.parametrize("slug", ["giveaway", "quiz-gated-contest"])
def test_contests_require_email_and_consent_of_everyone(slug):
    flow = definition(slug)
    # Asked on the step every path goes through.
    common = set(flow.steps_by_key)
    for path in enumerate_paths(flow):
        common &= set(path.steps)
    asked = [q for key in common for q in flow.steps_by_key[key].questions if q.required]
    assert {"email", "consent"} <= {question.kind for question in asked}


# -- Images and theme -------------------------------------------------------------------------


def _images(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, role) of every image the document refers to."""
    found = [(doc["intro"]["image"], "intro")]
    found += [(doc["theme"][name], "theme") for name in ("logo", "cover")]
    for step in doc["steps"]:
        for question in step["questions"]:
            found += [(choice["image"], "choice") for choice in question["choices"]]
    found += [(outcome["image"], "outcome") for outcome in doc["outcomes"]]
    return [(path, role) for path, role in found if path]


def _check_svg(path: Path, *, ratio: float, max_bytes: int) -> None:
    data = path.read_bytes()
    assert len(data) < max_bytes, f"{path.name} is {len(data)} bytes"
    root = ElementTree.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _, _, width, height = (float(number) for number in root.attrib["viewBox"].split())
    assert width / height == pytest.approx(ratio, rel=0.01)
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        assert tag not in ("text", "script", "image", "foreignObject", "style"), tag
        assert not any("href" in name for name in element.attrib), "external reference"
        assert not any("url(" in value for value in element.attrib.values())


@pytest.mark.parametrize("slug", SLUGS)
def test_images_exist_and_are_small_flat_svgs(slug):
    doc = normalise(document(slug))
    assert doc["intro"]["image"] == f"gallery/{slug}.svg"
    for image, role in _images(doc):
        file = STATIC_DIR / image
        assert file.is_file(), f"{image} is missing under static/"
        if role == "intro":
            _check_svg(file, ratio=16 / 9, max_bytes=INTRO_IMAGE_MAX_BYTES)
        elif role in ("choice", "outcome"):
            assert image.startswith(f"gallery/{slug}/")
            _check_svg(file, ratio=1, max_bytes=CHOICE_IMAGE_MAX_BYTES)


def test_no_orphan_gallery_images():
    referenced = {image for slug in SLUGS for image, _ in _images(normalise(document(slug)))}
    on_disk = {
        file.relative_to(STATIC_DIR).as_posix() for file in (STATIC_DIR / "gallery").rglob("*")
    }
    assert {name for name in on_disk if name.endswith(".svg")} == referenced


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_helper_matches_known_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("slug", SLUGS)
def test_theme_colours_are_readable(slug):
    theme = normalise(document(slug))["theme"]
    assert contrast(theme["text"], theme["background"]) >= MIN_CONTRAST
    assert contrast(theme["primary"], "#ffffff") >= MIN_CONTRAST
    # Links and outlines in the primary colour sit on the page background too.
    assert contrast(theme["primary"], theme["background"]) >= MIN_CONTRAST


# -- Publishing -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_template_publishes_cleanly_with_the_settings_it_describes(slug):
    """Made as the gallery makes it, with no setting added by hand: not one problem."""
    membership = MembershipFactory()
    template = gallery_template(slug)
    campaign = campaign_create(workspace=membership.workspace, by=membership.user,
                               document=template.document)
    assert campaign.settings == template.document.get("campaign_settings", {})
    assert campaign_check(campaign=campaign) == []
    assert campaign_publish(campaign=campaign, by=membership.user).number == 1
