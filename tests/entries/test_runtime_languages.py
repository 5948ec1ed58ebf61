"""The runtime's built-in text in the active language: steps, errors, results, emails, RTL.

Which language an entry speaks is chosen elsewhere; here it is activated around the requests,
as the runtime does once it has chosen."""

import html
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation

from campaigns import flow
from campaigns.flow.messages import message, plural_message
from entries.i18n import translated
from entries.mail.render import DEFAULT_TEMPLATES, greeted, render
from entries.models import Entry
from entries.services.runtime import answer_submit, entry_start
from entries.services.winners import deadline_text
from tests.entries.documents import branching_quiz
from tests.entries.email_documents import follow_up_quiz
from tests.entries.hostile import start

pytestmark = pytest.mark.django_db

# (language, the step's progress, the Back button, a required field's error, the result's
# share label, the email's footer opening, the page's direction)
EXPECTED = {
    "en": ("Step 2 of 3", "Back", "Choose an option.", "Send it to a friend",
           "You get this email because", "ltr"),
    "es": ("Paso 2 de 3", "Atrás", "Elige una opción.", "Envíaselo a un amigo",
           "Recibes este correo porque", "ltr"),
    "ru": ("Шаг 2 из 3", "Назад", "Выберите вариант.", "Отправьте другу",
           "Вы получили это письмо, потому что", "ltr"),
    "ar": ("الخطوة 2 من 3", "رجوع", "اختر خيارًا.", "أرسله إلى صديق",
           "تصلك هذه الرسالة لأنك", "rtl"),
}
LANGUAGES = list(EXPECTED)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def quiz(publish, request):
    """The quiz written in the test's language: the runtime speaks the campaign's language
    (entries.languages), whatever was active before the request."""
    callspec = getattr(request.node, "callspec", None)
    language = callspec.params.get("language", "es") if callspec else "es"
    return publish({**branching_quiz(), "languages": [language]})


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_step_and_its_errors_speak_the_language(client, quiz, language):
    progress, back, required, *_, direction = EXPECTED[language]
    with translation.override(language):
        url = start(client, quiz)
        client.post(url, {"step": "about", "name": "Ada"})
        page = _text(client.post(url, {"step": "taste"}))  # nothing chosen
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert progress in page
    assert back in page
    assert required in page
    assert "Coffee or tea?" in page  # the marketer's own words stay as written


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_result_page_speaks_the_language(client, quiz, language):
    *_, share, _footer, direction = EXPECTED[language]
    with translation.override(language):
        url = start(client, quiz)
        client.post(url, {"step": "about", "name": "Ada"})
        client.post(url, {"step": "taste", "drink": "tea"})
        page = _text(client.get(url))
    assert f'dir="{direction}"' in page
    assert share in page
    assert "Calm and collected, Ada." in page


def test_plurals_follow_the_languages_rules():
    """Russian has three forms (1, 2–4, 5+), Arabic six; a count of 21 is "one" in Russian."""
    text = plural_message("Choose at least {count} option.", "Choose at least {count} options.", 0)

    def said(language, count):
        with translation.override(language):
            return translated(flow.messages.Message(text.text, text.plural, (("count", count),)))

    assert [said("ru", n) for n in (1, 3, 5, 21)] == [
        "Выберите не меньше 1 варианта.", "Выберите не меньше 3 вариантов.",
        "Выберите не меньше 5 вариантов.", "Выберите не меньше 21 варианта."]
    assert said("ar", 2) == "اختر 2 خيارين على الأقل."
    assert said("ar", 11) == "اختر 11 خيارًا على الأقل."
    assert said("es", 1) == "Elige al menos 1 opción."
    assert said("es", 4) == "Elige al menos 4 opciones."


@pytest.mark.parametrize(("language", "error"), [
    ("en", "That doesn't look like an email address: the part after the @ needs a dot, "
           "like example.com."),
    ("es", "Eso no parece una dirección de correo: la parte después de la @ necesita un punto, "
           "como ejemplo.com."),
    ("ru", "Это не похоже на адрес электронной почты: в части после @ нужна точка, например "
           "example.com."),
    ("ar", "لا يبدو هذا عنوان بريد إلكتروني: يحتاج الجزء الذي بعد @ إلى نقطة، مثل example.com."),
])
def test_a_validation_error_from_the_flow_engine_is_translated_at_the_boundary(publish, language,
                                                                                error):
    """campaigns/flow/ knows no Django: its error is a message id the entries layer translates."""
    quiz = publish(branching_quiz())
    entry = entry_start(campaign=quiz, source={})
    with translation.override(language):
        result = answer_submit(entry=entry, step_key="about",
                               raw={"name": ["A" * 300], "email": ["ada@"]})
    assert result.errors["email"] == error
    assert set(result.errors) == {"email", "name"}  # the length limit is translated too


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_built_in_resume_email_speaks_the_language(publish, client, language,
                                                        django_capture_on_commit_callbacks):
    *_, footer, direction = EXPECTED[language]
    campaign = publish({**follow_up_quiz(), "languages": [language]})
    entry = entry_start(campaign=campaign, source={}, language=language)
    assert answer_submit(entry=entry, step_key="about",
                         raw={"name": ["Bo"], "email": ["bo@example.com"]}).ok
    with translation.override(language), django_capture_on_commit_callbacks(execute=True):
        client.post(f"/c/{campaign.slug}/e/{entry.token}/later/", {"email": "bo@example.com"})
        subject = str(DEFAULT_TEMPLATES["resume"].subject)
    [message] = mail.outbox
    assert message.subject == subject
    assert (message.subject == "Continue where you left off") == (language == "en")
    assert footer in message.body  # the greeting names nobody: the address is unproven
    page = message.alternatives[0][0]
    assert f'dir="{direction}"' in page
    assert footer in html.unescape(page)


@pytest.mark.parametrize(("language", "hello"), [("en", "Hello,"), ("es", "Hola,"),
                                                 ("ru", "Здравствуйте!"), ("ar", "مرحبًا،")])
def test_a_greeting_without_a_name_says_hello_in_the_language(language, hello):
    with translation.override(language):
        body = str(DEFAULT_TEMPLATES["winner"].body)
        assert greeted(body, {}).splitlines()[0] == hello
        rendered = render(DEFAULT_TEMPLATES["winner"], {"claim_link": "https://x.test/c",
                                                        "claim_deadline": "1"},
                          campaign_name="Brew")
    assert rendered.text.startswith(hello)


def test_the_builder_stays_english(client, quiz, owner, login):
    login(owner)
    page = client.get("/app/").text
    assert '<html lang="en" dir="ltr">' in page
    assert "Campaigns" in page
    assert Entry.objects.count() == 0


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Enter a number of at least 2.5."),
    ("es", "Escribe un número igual o mayor que 2,5."),
    ("de", "Geben Sie eine Zahl von mindestens 2,5 ein."),
    ("ar", "أدخل رقمًا لا يقل عن 2,5."),  # Django's Arabic decimal comma
])
def test_numbers_in_errors_are_written_the_local_way(language, said):
    with translation.override(language):
        assert translated(message("Enter a number of at least {number}.", number=2.5)) == said
    assert str(message("Enter a number of at least {number}.", number=3.0)) == (
        "Enter a number of at least 3.")


@pytest.mark.parametrize(("language", "said"), [
    ("en", "8 June 2026, 14:30 UTC"), ("es", "8 de junio de 2026, 14:30 UTC"),
    ("ru", "8 июня 2026 г., 14:30 UTC"), ("be", "8 чэрвеня 2026 г., 14:30 UTC"),
    ("de", "8. Juni 2026, 14:30 UTC"), ("fr", "8 juin 2026 à 14:30 UTC"),
])
def test_a_claim_deadline_names_the_month_in_the_language(language, said):
    moment = datetime(2026, 6, 8, 14, 30, tzinfo=UTC)
    with translation.override(language):
        assert deadline_text(moment) == said


def test_a_doctored_link_is_refused_in_the_language(client, quiz):
    with translation.override("es"):
        response = client.get(f"/c/{quiz.slug}/?utm_source=news%00letter")
    assert response.status_code == 400
    assert ("El parámetro utm_source del enlace contiene un carácter NUL (un carácter de control "
            "invisible) que no podemos guardar. Revisa el enlace que te dieron.") in _text(response)
