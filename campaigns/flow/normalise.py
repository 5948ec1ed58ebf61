"""`normalise(doc)`: a checked copy of a blueprint with every default filled in.

The output has every field of README "Blueprint format, schema 1" in a fixed order, so that
normalise(normalise(d)) == normalise(d) and load(d) followed by dump gives normalise(d) back.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from .files import CONTENT_TYPE
from .kinds import KINDS, Kind, Setting
from .normalise_rules import normalise_rule
from .schema import (
    CAMPAIGN_KINDS,
    DEFAULT_LANGUAGE,
    DEFAULT_THEME,
    DISPLAY_MODES,
    EMAIL_TRIGGERS,
    FONTS,
    LANGUAGE_CODE,
    MAX_CHOICES,
    MAX_EMAILS,
    MAX_LANGUAGES,
    MAX_OUTCOMES,
    MAX_QUESTIONS_PER_STEP,
    MAX_RULES_PER_STEP,
    MAX_STEPS,
    MAX_TEXTS,
    MAX_TOTAL_CHOICES,
    MAX_TOTAL_QUESTIONS,
    NUMBER_LIMIT,
    PERSONA_NAME_LIMIT,
    POINTS_LIMIT,
    SCORING_MODES,
    SLUG,
    TEXT_ID,
    BlueprintError,
    Checker,
    Fields,
    join,
    shown,
    type_name,
    unique_keys,
)

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
CONTACT_ROLES = ("email", "name", "none")
_NAME_KEYS = frozenset({"name", "full_name", "fullname", "first_name", "firstname", "last_name",
                        "lastname", "surname", "your_name"})
_WORD = re.compile(r"[a-z']+")
_NAME_LABEL = re.compile(r"(?:what's |what is )?(?:your )?(?:full |first |last )?(?:name|surname)")


def normalise(doc: Any) -> dict[str, Any]:
    """The document with defaults filled in; raises BlueprintError listing every problem."""
    check = Checker()
    result = _document(check, doc)
    if check.problems:
        raise BlueprintError(check.problems)
    return result


def _document(check: Checker, doc: Any) -> dict[str, Any]:
    fields = (
        "schema",
        "name",
        "kind",
        "description",
        "intro",
        "theme",
        "settings",
        "steps",
        "outcomes",
        "emails",
        "languages",
        "translations",
        "campaign_settings",
    )
    raw = check.object(doc, "", fields, required=("schema", "name", "kind", "steps"))
    if raw is None:
        return {}
    # The campaign's own settings (gate, rules, limits) ride along for campaign_create; they
    # are not part of the flow, so the normalised document leaves them out.
    if not isinstance(raw.get("campaign_settings", {}), dict):
        check.add("campaign_settings", "wrong_type",
                  f"Expected an object, got {type_name(raw['campaign_settings'])}.")
    read = Fields(raw, "")
    document = {
        "schema": read("schema", partial(_schema_version, check), 1),
        "name": read("name", partial(check.text, limit=200, at_least=1), ""),
        "kind": read("kind", partial(check.one_of, options=CAMPAIGN_KINDS, default="quiz"), ""),
        "description": read("description", partial(check.text, limit=500), ""),
        "intro": read("intro", partial(_intro, check), None),
        "theme": read("theme", partial(_theme, check), dict(DEFAULT_THEME)),
        "settings": read("settings", partial(_settings, check), _settings(check, {}, "")),
        "steps": read("steps", partial(_list_of, check, _step, MAX_STEPS, 1), []),
        "outcomes": read("outcomes", partial(_list_of, check, _outcome, MAX_OUTCOMES, 0), []),
        "emails": read("emails", partial(_list_of, check, _email, MAX_EMAILS, 0), []),
        "languages": read("languages", partial(_languages, check), [DEFAULT_LANGUAGE]),
    }
    document["translations"] = read(
        "translations", partial(_translations, check, document["languages"]), {})
    steps = document["steps"]
    unique_keys(check, _keyed("steps", steps), "step")
    questions = [
        keyed
        for index, step in enumerate(steps)
        if step is not None
        for keyed in _keyed(join(join("steps", index), "questions"), step["questions"])
    ]
    unique_keys(check, questions, "question")
    _contact_defaults([q for step in steps if step for q in step["questions"] if q])
    unique_keys(check, _keyed("outcomes", document["outcomes"]), "outcome")
    return document


def _languages(check: Checker, raw: Any, path: str) -> list[str]:
    codes = check.items(raw, path, limit=MAX_LANGUAGES, at_least=1)
    languages = [
        check.text(code, join(path, index), limit=20, pattern=LANGUAGE_CODE,
                   expected="a language code like en, es or pt-br")
        for index, code in enumerate(codes)
    ]
    if len(set(languages)) != len(languages):
        check.add(path, "duplicate_key", "Each language may be listed once.")
    return languages or [DEFAULT_LANGUAGE]


def _translations(check: Checker, languages: list[str], raw: Any, path: str) -> dict:
    """language -> text id -> {"text", "source"}: the other languages' texts (README
    "Languages"); which texts exist is the document's business, checked before publishing."""
    if not isinstance(raw, dict):
        check.add(path, "wrong_type", f"Expected an object, got {type_name(raw)}.")
        return {}
    result = {}
    for language, given in raw.items():
        where = join(path, str(language))
        if language not in languages[1:]:
            check.add(where, "invalid_value", f"{shown(language)} is not one of the campaign's "
                      "other languages (the first in \"languages\" is the default).")
            continue
        if not isinstance(given, dict):
            check.add(where, "wrong_type", f"Expected an object, got {type_name(given)}.")
            continue
        if len(given) > MAX_TEXTS:
            check.add(where, "too_many", f"At most {MAX_TEXTS} texts per language.")
            continue
        result[language] = {
            text_id: entry for text_id, entry in
            ((text_id, _translation(check, entry, join(where, str(text_id))))
             for text_id, entry in given.items() if _text_id(check, text_id, where))
            if entry is not None
        }
    return result


def _text_id(check: Checker, text_id: Any, path: str) -> bool:
    if isinstance(text_id, str) and TEXT_ID.fullmatch(text_id):
        return True
    check.add(path, "invalid_value", f"{shown(text_id)} is not a text id like question.key.label.")
    return False


def _translation(check: Checker, raw: Any, path: str) -> dict[str, str] | None:
    obj = check.object(raw, path, ("text", "source"), required=("text",))
    if obj is None:
        return None
    read = Fields(obj, path)
    return {
        "text": read("text", partial(check.text, limit=20_000), ""),
        "source": read("source", partial(check.text, limit=64), ""),
    }


def _list_of(check: Checker, item: Any, limit: int, at_least: int, raw: Any, path: str) -> list:
    """The normalised items; an item that is not even an object is None (and reported), so
    that indexes still match the JSON paths. None never survives into a returned document."""
    items = check.items(raw, path, limit=limit, at_least=at_least)
    return [item(check, value, join(path, index)) for index, value in enumerate(items)]


def _keyed(path: str, items: list[dict[str, Any] | None]) -> list[tuple[str, Any]]:
    return [(join(path, index), item["key"]) for index, item in enumerate(items) if item]


def _schema_version(check: Checker, raw: Any, path: str) -> int:
    if raw != 1 or isinstance(raw, bool) or not isinstance(raw, int):
        check.add(path, "invalid_value", 'Only schema 1 is supported; set "schema": 1.')
    return 1


def _intro(check: Checker, raw: Any, path: str) -> dict[str, str] | None:
    if raw is None:
        return None
    obj = check.object(raw, path, ("title", "body", "button", "image"))
    if obj is None:
        return None
    read = Fields(obj, path)
    return {
        "title": read("title", partial(check.text, limit=500), ""),
        "body": read("body", partial(check.text, limit=20_000), ""),
        "button": read("button", partial(check.text, limit=60), ""),
        "image": read("image", check.image, ""),
    }


def _theme(check: Checker, raw: Any, path: str) -> dict[str, str]:
    obj = check.object(raw, path, tuple(DEFAULT_THEME)) or {}
    read = Fields(obj, path)
    colour = partial(check.text, limit=7, pattern=_COLOUR, expected="a colour like #4f46e5")
    return {
        "primary": read("primary", colour, DEFAULT_THEME["primary"]),
        "background": read("background", colour, DEFAULT_THEME["background"]),
        "text": read("text", colour, DEFAULT_THEME["text"]),
        "font": read("font", partial(check.one_of, options=FONTS, default="system"), "system"),
        "logo": read("logo", check.image, ""),
        "cover": read("cover", check.image, ""),
        "mode": read("mode", partial(check.one_of, options=DISPLAY_MODES, default="card"),
                     "card"),
        "persona": read("persona", partial(check.text, limit=PERSONA_NAME_LIMIT), ""),
        "avatar": read("avatar", check.image, ""),
    }


def _settings(check: Checker, raw: Any, path: str) -> dict[str, Any]:
    obj = check.object(raw, path, ("scoring", "progress", "allow_back")) or {}
    read = Fields(obj, path)
    return {
        "scoring": read(
            "scoring", partial(check.one_of, options=SCORING_MODES, default="none"), "none"
        ),
        "progress": read("progress", check.boolean, True),
        "allow_back": read("allow_back", check.boolean, True),
    }


def _step(check: Checker, raw: Any, path: str) -> dict[str, Any] | None:
    fields = ("key", "title", "body", "button", "questions", "rules")
    obj = check.object(raw, path, fields, required=("key",))
    if obj is None:
        return None
    read = Fields(obj, path)
    return {
        "key": read("key", check.slug, ""),
        "title": read("title", partial(check.text, limit=500), ""),
        "body": read("body", partial(check.text, limit=20_000), ""),
        "button": read("button", partial(check.text, limit=60), ""),
        "questions": read(
            "questions", partial(_list_of, check, _question, MAX_QUESTIONS_PER_STEP, 0), []
        ),
        "rules": read("rules", partial(_list_of, check, normalise_rule, MAX_RULES_PER_STEP, 0), []),
    }


def _question(check: Checker, raw: Any, path: str) -> dict[str, Any] | None:
    fields = (
        "key",
        "kind",
        "label",
        "help",
        "required",
        "placeholder",
        "validation",
        "choices",
        "correct",
        "points",
        "contact",
    )
    obj = check.object(raw, path, fields, required=("key", "kind"))
    if obj is None or not check.count("questions", MAX_TOTAL_QUESTIONS, path):
        return None
    read = Fields(obj, path)
    kind_name = read("kind", partial(check.one_of, options=tuple(KINDS), default=""), "")
    kind = KINDS.get(kind_name)
    choices = read("choices", partial(_choices, check, kind), [])
    unique_keys(check, _keyed(read.at("choices"), choices), "choice")
    return {
        "key": read("key", check.slug, ""),
        "kind": kind_name,
        "label": read("label", partial(check.text, limit=1_000), ""),
        "help": read("help", partial(check.text, limit=2_000), ""),
        "required": read("required", check.boolean, False),
        "placeholder": read("placeholder", partial(check.text, limit=200), ""),
        "validation": read(
            "validation", partial(_validation, check, kind), _validation(check, kind, {}, "")
        ),
        "choices": choices,
        "correct": read("correct", partial(_correct, check, kind_name), None),
        "points": read("points", partial(check.number, limit=POINTS_LIMIT), 0),
        # None until `_contact_defaults` decides by kind (README "Contact roles").
        "contact": read("contact", partial(_contact, check, kind_name, kind), None),
    }


def _contact(check: Checker, kind_name: str, kind: Kind | None, raw: Any, path: str) -> str:
    role = check.one_of(raw, path, options=CONTACT_ROLES, default="none")
    if kind is not None and role != "none" and role not in kind.contact_roles:
        allowed = [name for name, other in KINDS.items() if role in other.contact_roles]
        check.add(path, "invalid_value", f"A {kind_name} question cannot hold the entrant's "
                  f"{role}; only {' or '.join(allowed)} questions can. Use \"none\".")
        return "none"
    return role


def _contact_defaults(questions: list[dict[str, Any]]) -> None:
    """Give each question without a contact role its role by kind: the first email question is
    the entrant's email and name-like short texts their name, unless some question already
    says so; every other question is "none"."""
    taken = {q["contact"] for q in questions}
    for question in questions:
        if question["contact"] is not None:
            continue
        role = "none"
        if question["kind"] == "email" and "email" not in taken:
            role = "email"
            taken.add("email")
        elif question["kind"] == "short_text" and "name" not in taken and _name_like(question):
            role = "name"
        question["contact"] = role


def _name_like(question: dict[str, Any]) -> bool:
    label = " ".join(_WORD.findall(question["label"].lower()))
    return question["key"] in _NAME_KEYS or _NAME_LABEL.fullmatch(label) is not None


def _validation(check: Checker, kind: Kind | None, raw: Any, path: str) -> dict[str, Any]:
    settings = kind.validation if kind is not None else {}
    obj = check.object(raw, path, tuple(settings)) if kind is not None else {}
    read = Fields(obj or {}, path)
    return {
        name: read(name, partial(_setting, check, setting), setting.default)
        for name, setting in settings.items()
    }


def _setting(check: Checker, setting: Setting, raw: Any, path: str) -> Any:
    return _SETTING_READERS.get(setting.type, _content_types)(check, setting, raw, path)


def _count(check: Checker, setting: Setting, raw: Any, path: str) -> Any:
    value = check.number(raw, path, limit=setting.high, nullable=setting.default is None,
                         integer=True)
    if value is not None and value < setting.low:
        check.add(path, "invalid_value", f"Use a number of {setting.low:g} or more.")
    return value


def _size_mb(check: Checker, setting: Setting, raw: Any, path: str) -> Any:
    value = check.number(raw, path, limit=setting.high)
    if value <= setting.low:
        check.add(path, "invalid_value", f"Use a size above {setting.low:g} MB.")
    return value


def _content_types(check: Checker, setting: Setting, raw: Any, path: str) -> list[str]:
    accepted = check.items(raw, path, limit=setting.high)
    content_type = partial(
        check.text, limit=100, pattern=CONTENT_TYPE, expected="a content type like image/png"
    )
    return [content_type(item, join(path, index)) for index, item in enumerate(accepted)]


# How a question setting's value is read, by the setting's type (kinds.Setting); any other type
# is a list of content types.
_SETTING_READERS = {
    "count": _count,
    "number": lambda check, setting, raw, path: check.number(
        raw, path, limit=setting.high, nullable=True
    ),
    "bool": lambda check, _setting, raw, path: check.boolean(raw, path),
    "date": lambda check, _setting, raw, path: check.date(raw, path),
    "label": lambda check, setting, raw, path: check.text(raw, path, limit=setting.high),
    "size_mb": _size_mb,
}


def _choices(check: Checker, kind: Kind | None, raw: Any, path: str) -> list[dict[str, Any]]:
    items = check.items(raw, path, limit=MAX_CHOICES)
    if items and kind is not None and not kind.has_choices:
        check.add(path, "invalid_value", "Only choice questions have choices; remove them.")
        return []
    return [_choice(check, item, join(path, index)) for index, item in enumerate(items)]


def _choice(check: Checker, raw: Any, path: str) -> dict[str, Any] | None:
    obj = check.object(raw, path, ("key", "label", "image", "points", "weights"), ("key",))
    if obj is None or not check.count("choices", MAX_TOTAL_CHOICES, path):
        return None
    read = Fields(obj, path)
    return {
        "key": read("key", check.slug, ""),
        "label": read("label", partial(check.text, limit=500), ""),
        "image": read("image", check.image, ""),
        "points": read("points", partial(check.number, limit=POINTS_LIMIT), 0),
        "weights": read("weights", partial(_weights, check), {}),
    }


def _weights(check: Checker, raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        check.add(path, "wrong_type", "Expected an object of outcome key: number.")
        return {}
    if len(raw) > MAX_OUTCOMES:
        check.add(path, "too_many", f"At most {MAX_OUTCOMES} weights are allowed.")
        return {}
    weights = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not SLUG.fullmatch(key):
            check.add(path, "invalid_value", f"{shown(key)} is not an outcome key.")
            continue
        weights[key] = check.number(value, join(path, key), limit=POINTS_LIMIT)
    return weights


def _correct(check: Checker, kind_name: str, raw: Any, path: str) -> Any:
    if raw is None:
        return None
    kind = KINDS.get(kind_name)
    if kind is not None and kind.multiple:
        keys = check.items(raw, path, limit=MAX_CHOICES, at_least=1)
        return [check.slug(key, join(path, index)) for index, key in enumerate(keys)]
    if kind is not None and kind.has_choices:
        return check.slug(raw, path)
    check.add(path, "invalid_value", "Only choice questions can have a correct answer.")
    return None


def _outcome(check: Checker, raw: Any, path: str) -> dict[str, Any] | None:
    fields = ("key", "title", "body", "image", "min_score", "max_score", "redirect_url",
              "share_image")
    obj = check.object(raw, path, fields, required=("key",))
    if obj is None:
        return None
    read = Fields(obj, path)
    bound = partial(check.number, limit=NUMBER_LIMIT, nullable=True)
    return {
        "key": read("key", check.slug, ""),
        "title": read("title", partial(check.text, limit=500), ""),
        "body": read("body", partial(check.text, limit=20_000), ""),
        "image": read("image", check.image, ""),
        "min_score": read("min_score", bound, None),
        "max_score": read("max_score", bound, None),
        "redirect_url": read("redirect_url", check.url, ""),
        "share_image": read("share_image", check.image, ""),
    }


def _email(check: Checker, raw: Any, path: str) -> dict[str, Any] | None:
    fields = ("trigger", "outcome", "subject", "body", "delay_minutes")
    obj = check.object(raw, path, fields, required=("trigger",))
    if obj is None:
        return None
    read = Fields(obj, path)
    trigger = read("trigger", partial(check.one_of, options=EMAIL_TRIGGERS, default=""), "")
    outcome = read("outcome", partial(_optional_slug, check), None)
    if trigger == "outcome" and outcome is None:
        check.add(read.at("outcome"), "missing_field", "An outcome email names its outcome.")
    if trigger != "outcome" and outcome is not None:
        message = 'Only emails with trigger "outcome" name an outcome; set it to null.'
        check.add(read.at("outcome"), "invalid_value", message)
    delay = read("delay_minutes", partial(check.number, limit=525_600, integer=True), 0)
    if delay is not None and delay < 0:
        check.add(read.at("delay_minutes"), "invalid_value", "Use a delay of 0 minutes or more.")
    return {
        "trigger": trigger,
        "outcome": outcome,
        "subject": read("subject", partial(check.text, limit=300), ""),
        "body": read("body", partial(check.text, limit=20_000), ""),
        "delay_minutes": delay,
    }


def _optional_slug(check: Checker, raw: Any, path: str) -> str | None:
    return None if raw is None else check.slug(raw, path)
