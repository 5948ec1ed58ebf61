"""A campaign's texts in other languages: stable text ids, translated definitions and the check.

Every marketer-written text has a text id built from keys (`question.<key>.label`,
`choice.<question>.<choice>.label`, `outcome.<key>.title`, `email.<n>.subject`…), so a translation
survives reordering and edits elsewhere. A translation records a hash of the source text it was
made from: when the source changes, the translation is stale. Keys, rules and scoring are never
translated, so a translated definition decides every path exactly as the default one does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial

from .definition import Definition, Question, Step
from .problems import Problem
from .recall import TAG, tags_in

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
# Texts kept in a question's validation (a rating's end labels).
_VALIDATION_TEXTS = ("min_label", "max_label")


def source_hash(text: str) -> str:
    """What a translation records of its source, to tell when the source changed since."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def direction(language: str) -> str:
    return "rtl" if language.split("-", maxsplit=1)[0] in RTL_LANGUAGES else "ltr"


def texts(definition: Definition) -> dict[str, str]:
    """Every non-empty marketer-written text by its text id, in the order a visitor meets them."""
    return {text_id: text for text_id, text in _texts(definition) if text.strip()}


def _texts(definition: Definition) -> Iterator[tuple[str, str]]:
    yield "name", definition.name
    yield "description", definition.description
    if definition.intro is not None:
        for part in ("title", "body", "button"):
            yield f"intro.{part}", getattr(definition.intro, part)
    for step in definition.steps:
        for part in ("title", "body", "button"):
            yield f"step.{step.key}.{part}", getattr(step, part)
        for question in step.questions:
            yield from _question_texts(question)
    for outcome in definition.outcomes:
        yield f"outcome.{outcome.key}.title", outcome.title
        yield f"outcome.{outcome.key}.body", outcome.body
    for number, email in enumerate(definition.emails, start=1):
        yield f"email.{number}.subject", email.subject
        yield f"email.{number}.body", email.body


def _question_texts(question: Question) -> Iterator[tuple[str, str]]:
    for part in ("label", "help", "placeholder"):
        yield f"question.{question.key}.{part}", getattr(question, part)
    for part in _VALIDATION_TEXTS:
        if isinstance(question.validation.get(part), str):
            yield f"question.{question.key}.{part}", question.validation[part]
    for choice in question.choices:
        yield f"choice.{question.key}.{choice.key}.label", choice.label


def in_language(definition: Definition, language: str) -> Definition:
    """`definition` with its texts in `language` (the default text where none is translated);
    built once per definition and language, so a version's translation costs one lookup."""
    if language == definition.language or language not in definition.languages:
        return definition
    found = definition.translated.get(language)
    if found is None:
        found = definition.translated[language] = _translate(definition, language)
    return found


def _translate(definition: Definition, language: str) -> Definition:
    given = definition.translations.get(language, {})

    def text(text_id: str, source: str) -> str:
        entry = given.get(text_id)
        return entry["text"] if entry is not None and entry["text"].strip() else source

    intro = definition.intro
    if intro is not None:
        intro = replace(intro, title=text("intro.title", intro.title),
                        body=text("intro.body", intro.body),
                        button=text("intro.button", intro.button))
    translated = replace(
        definition,
        name=text("name", definition.name),
        description=text("description", definition.description),
        intro=intro,
        steps=tuple(_step(step, text) for step in definition.steps),
        outcomes=tuple(
            replace(outcome, title=text(f"outcome.{outcome.key}.title", outcome.title),
                    body=text(f"outcome.{outcome.key}.body", outcome.body))
            for outcome in definition.outcomes),
        emails=tuple(
            replace(email, subject=text(f"email.{number}.subject", email.subject),
                    body=text(f"email.{number}.body", email.body))
            for number, email in enumerate(definition.emails, start=1)),
    )
    missing = [text_id for text_id in texts(definition) if text(text_id, "") == ""]
    object.__setattr__(translated, "language", language)
    object.__setattr__(translated, "untranslated", frozenset(missing))
    return translated


def _step(step: Step, text) -> Step:
    questions = []
    for question in step.questions:
        key = question.key
        validation = dict(question.validation)
        for part in _VALIDATION_TEXTS:
            if isinstance(validation.get(part), str):
                validation[part] = text(f"question.{key}.{part}", validation[part])
        questions.append(replace(
            question,
            label=text(f"question.{key}.label", question.label),
            help=text(f"question.{key}.help", question.help),
            placeholder=text(f"question.{key}.placeholder", question.placeholder),
            validation=type(question.validation)(validation),
            choices=tuple(
                replace(choice, label=text(f"choice.{key}.{choice.key}.label", choice.label))
                for choice in question.choices),
        ))
    return replace(
        step,
        title=text(f"step.{step.key}.title", step.title),
        body=text(f"step.{step.key}.body", step.body),
        button=text(f"step.{step.key}.button", step.button),
        questions=tuple(questions),
    )


def step_of(definition: Definition, text_id: str) -> str | None:
    """The key of the step a text is shown on, when it is on one."""
    part, _, rest = text_id.partition(".")
    key = rest.split(".", 1)[0]
    if part == "step":
        return key
    if part in ("question", "choice"):
        return definition.question_steps.get(key)
    return None


def tag_problem(source: str, translation: str) -> str:
    """What a translation did to the source's recall tags ("" when they are intact): a tag
    dropped, a tag the source does not have (a translated or misspelt name), or broken braces."""
    wanted, found = tags_in(source), tags_in(translation)
    dropped = [name for name in wanted if name not in found]
    if dropped:
        return "drops " + ", ".join(f"{{{{ {name} }}}}" for name in dropped)
    unknown = [name for name in found if name not in wanted]
    if unknown:
        return "has " + ", ".join(f"{{{{ {name} }}}}" for name in unknown) + \
            ", which the source does not"
    leftover = TAG.sub("", translation)
    if "{{" in leftover or "}}" in leftover:
        return "has a broken recall tag (unmatched {{ or }})"
    return ""


def check_translations(definition: Definition, *, fallback: bool) -> list[Problem]:
    """Every missing or stale translation and every recall tag a translation dropped or broke.
    Missing and stale ones are errors unless the campaign falls back to its default language
    (then warnings: the visitor sees the default text); a broken tag is always an error."""
    return check_texts(texts(definition), definition.languages, definition.translations,
                       fallback=fallback, step_of=partial(step_of, definition))


def check_texts(sources: Mapping[str, str], languages: Sequence[str],
                translations: Mapping[str, Mapping[str, Mapping[str, str]]], *,
                fallback: bool, step_of: Callable[[str], str | None] = lambda _: None,
                ) -> list[Problem]:
    """check_translations for any texts by id: the flow's, or a campaign's own (its rules)."""
    level = "warning" if fallback else "error"
    problems = []
    for language in languages[1:]:
        given = translations.get(language, {})
        for text_id, source in sources.items():
            problem = _problem(language, text_id, source, given.get(text_id), level)
            if problem is not None:
                code, message, problem_level = problem
                problems.append(Problem(problem_level, code, message, step_of(text_id),
                                        f"translations.{language}.{text_id}"))
    return problems


def _problem(language: str, text_id: str, source: str, entry: Mapping[str, str] | None,
             level: str) -> tuple[str, str, str] | None:
    name = f'The "{language}" text of {text_id}'
    if entry is None or not entry["text"].strip():
        return "translation_missing", f"{name} is missing.", level
    broken = tag_problem(source, entry["text"])
    if broken:
        return "translation_tags", f"{name} {broken}.", "error"
    if entry["source"] != source_hash(source):
        return ("translation_stale",
                f"{name} was made from an older source text; check it still says the same.",
                level)
    return None
