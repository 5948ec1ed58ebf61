"""Texts per language: text ids, a definition in a language, and the pre-publish check."""

import json

import pytest

from campaigns import flow
from campaigns.blueprints import GALLERY_DIR


def _document(**translations):
    return {
        "schema": 1, "name": "Coffee", "kind": "quiz",
        "settings": {"scoring": "weights"},
        "languages": ["en", "es"],
        "translations": {"es": translations},
        "steps": [{"key": "taste", "title": "Hi {{ answers.name }}", "button": "Next",
                   "questions": [
                       {"key": "name", "kind": "short_text", "label": "Your name"},
                       {"key": "strength", "kind": "single_choice", "label": "Pick one",
                        "choices": [{"key": "strong", "label": "Strong",
                                     "weights": {"espresso": 1}},
                                    {"key": "mild", "label": "Mild", "weights": {"latte": 1}}]},
                   ],
                   "rules": [{"when": {"field": "answers.strength", "op": "equals",
                                       "value": "strong"},
                              "action": {"type": "goto_outcome", "outcome": "espresso"}}]}],
        "outcomes": [{"key": "espresso", "title": "Espresso"}, {"key": "latte", "title": "Latte"}],
    }


def _translated(text, source):
    return {"text": text, "source": flow.source_hash(source)}


COMPLETE = {
    "name": _translated("Café", "Coffee"),
    "step.taste.title": _translated("Hola {{ answers.name }}", "Hi {{ answers.name }}"),
    "step.taste.button": _translated("Siguiente", "Next"),
    "question.name.label": _translated("Tu nombre", "Your name"),
    "question.strength.label": _translated("Elige uno", "Pick one"),
    "choice.strength.strong.label": _translated("Fuerte", "Strong"),
    "choice.strength.mild.label": _translated("Suave", "Mild"),
    "outcome.espresso.title": _translated("Expreso", "Espresso"),
    "outcome.latte.title": _translated("Con leche", "Latte"),
}


def test_every_text_has_a_stable_id_built_from_keys():
    assert list(flow.texts(flow.load(_document()))) == list(COMPLETE)


def test_a_definition_in_a_language_has_its_texts_and_the_same_keys_and_logic():
    definition = flow.load(_document(**COMPLETE))
    spanish = flow.in_language(definition, "es")
    step = spanish.steps_by_key["taste"]
    assert (spanish.language, spanish.name, step.title) == ("es", "Café",
                                                             "Hola {{ answers.name }}")
    assert [c.label for c in step.questions[1].choices] == ["Fuerte", "Suave"]
    assert spanish.questions_by_key["strength"].choice_index["strong"].label == "Fuerte"
    assert step.rules == definition.steps[0].rules
    assert spanish.outcomes_by_key["latte"].title == "Con leche"
    answers = {"strength": "strong"}
    translated = flow.advance(spanish, "taste", answers, flow.State())
    default = flow.advance(definition, "taste", answers, flow.State())
    assert (translated.state, translated.outcome.key) == (default.state, default.outcome.key)
    assert translated.outcome.title == "Expreso"
    assert spanish.untranslated == frozenset()


def test_it_is_built_once_per_definition_and_language():
    definition = flow.load(_document(**COMPLETE))
    assert flow.in_language(definition, "es") is flow.in_language(definition, "es")
    assert flow.in_language(definition, "en") is definition
    assert flow.in_language(definition, "fr") is definition  # not offered: the default


def test_a_missing_text_falls_back_to_the_default_and_is_listed():
    definition = flow.load(_document(**{k: v for k, v in COMPLETE.items() if k != "name"}))
    spanish = flow.in_language(definition, "es")
    assert spanish.name == "Coffee"
    assert spanish.untranslated == {"name"}


def test_a_complete_translation_has_no_problems():
    assert flow.check_translations(flow.load(_document(**COMPLETE)), fallback=False) == []


def _problems(fallback=False, **changes):
    definition = flow.load(_document(**{**COMPLETE, **changes}))
    return [(p.level, p.code, p.where, p.step)
            for p in flow.check_translations(definition, fallback=fallback)]


def test_missing_and_stale_texts_are_errors_unless_the_campaign_falls_back():
    changes = {"name": {"text": "", "source": ""},
               "question.name.label": _translated("Tu nombre", "Your old name")}
    assert _problems(**changes) == [
        ("error", "translation_missing", "translations.es.name", None),
        ("error", "translation_stale", "translations.es.question.name.label", "taste"),
    ]
    assert {level for level, *_ in _problems(fallback=True, **changes)} == {"warning"}


@pytest.mark.parametrize(("text", "says"), [
    ("Hola", "drops {{ answers.name }}"),
    ("Hola {{ respuestas.nombre }}", "drops {{ answers.name }}"),
    ("Hola {{ answers.name }} {{ score }}", "has {{ score }}, which the source does not"),
    ("Hola {{ answers.name }} }}", "broken recall tag"),
    ("Hola {{ answers.name", "drops {{ answers.name }}"),
])
def test_a_dropped_or_broken_recall_tag_is_always_an_error(text, says):
    title = "Hi {{ answers.name }}"
    definition = flow.load(_document(**{**COMPLETE,
                                        "step.taste.title": _translated(text, title)}))
    [problem] = flow.check_translations(definition, fallback=True)
    assert (problem.level, problem.code, problem.step) == ("error", "translation_tags", "taste")
    assert says in problem.message


def test_translations_survive_dump_and_load():
    document = _document(**COMPLETE)
    assert flow.dump(flow.load(document)) == flow.normalise(document)
    assert flow.normalise({k: v for k, v in document.items()
                           if k not in ("languages", "translations")})["languages"] == ["en"]


@pytest.mark.parametrize(("change", "path"), [
    ({"languages": []}, "languages"),
    ({"languages": ["en", "EN!"]}, "languages[1]"),
    ({"languages": ["en", "en"]}, "languages"),
    ({"translations": {"fr": {}}}, "translations.fr"),
    ({"translations": {"en": {}}}, "translations.en"),
    ({"translations": {"es": {"name": {"text": 3}}}}, "translations.es.name.text"),
    ({"translations": {"es": {"Not an id!": {"text": "x"}}}}, "translations.es"),
])
def test_bad_languages_and_translations_are_refused_at_their_path(change, path):
    with pytest.raises(flow.BlueprintError) as error:
        flow.normalise({**_document(), **change})
    assert path in [problem.path for problem in error.value.problems]


def test_the_gallery_shoe_finder_is_complete_in_spanish_and_arabic():
    document = json.loads((GALLERY_DIR / "product-recommender.json").read_text())
    definition = flow.load(document)
    assert definition.languages == ("en", "es", "ar")
    assert flow.check_translations(definition, fallback=False) == []
    assert flow.direction("ar") == "rtl"
    assert flow.direction("es") == "ltr"
