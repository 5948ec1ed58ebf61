"""Marketer-written emails with merge tags, as a subject, a plain-text part and an HTML part.

The marketer writes plain text. Tags are filled by the flow engine's one-pass substitution, so a
`{{ score }}` or `<b>` typed into an answer stays literal text. The HTML part is built from the
same text: the marketer's text is escaped, its URLs linked, the values escaped (the link tags
become links), blank lines make paragraphs. Django templates only draw the fixed layout around it.
"""

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from campaigns import flow
from campaigns.flow.recall import UNPROVEN_NAMES, UNPROVEN_TRIGGERS
from config.site import site_url
from entries.entry_state import entry_answers, state_from_json
from entries.models import Entry
from entries.rendering import image_url
from entries.services import people

# Tags whose value is a URL: shown as a link in the HTML part.
LINK_NAMES = frozenset({"result_link", "referral_link", "unsubscribe_link", "resume_link",
                        "claim_link"})
DEFAULT_PRIMARY = "#4f46e5"

_URL = re.compile(r"https?://[^\s<>\"'{}]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
# A line that is only a greeting and tags: "Hi {{ name }}," / "Dear {{ answers.first_name }}!",
# in English or another language the runtime speaks ("Здравствуйте, {{ name }}!").
_GREETING = re.compile(
    r"^[ \t]*(?:hi|hello|hey|dear|hola|estimad[oa]|querid[oa]|hallo|liebe[r]?|guten tag|bonjour|"
    r"salut|cher|chère|здравствуйте|привет|добрый день|вітаю|прывітанне|добры дзень|"
    r"مرحبًا|مرحبا|أهلًا|أهلا|عزيزي)[ \t]*,?(?P<tags>(?:[ \t]*\{\{[^{}\n]*\}\})+)"
    r"[ \t]*(?P<end>[,!.:،]?)[ \t]*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Template:
    subject: str  # or a lazy translation: the built-in templates are read in the entry's language
    body: str


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


# Sent when a campaign has no template of its own for the trigger, so the feature always works.
DEFAULT_TEMPLATES = {
    "resume": Template(
        subject=gettext_lazy("Continue where you left off"),
        body=gettext_lazy(
            "Hi {{ name }},\n\nYou asked us to keep your place. Pick up where you left off "
            "with this link:\n\n{{ resume_link }}\n\nYour answers so far are saved. The link "
            "is personal: anyone who has it can continue your entry, so keep it to yourself."),
    ),
    "winner": Template(
        subject=gettext_lazy("You won!"),
        body=gettext_lazy(
            "Hi {{ name }},\n\nCongratulations: you were drawn as a winner.\n\nClaim your "
            "prize here before {{ claim_deadline }}:\n\n{{ claim_link }}\n\nIf you don't "
            "claim it in time, it passes to the next person drawn."),
    ),
}


def entry_links(entry: Entry) -> dict[str, str]:
    slug = entry.campaign.slug
    entry_url = site_url(reverse("entries:entry", args=[slug, entry.token]))
    landing = site_url(reverse("entries:landing", args=[slug]))
    return {"result_link": entry_url, "resume_link": entry_url,
            "referral_link": f"{landing}?ref={entry.referral_code}"}


def entry_context(entry: Entry, definition: flow.Definition) -> dict[str, str]:
    """Every merge tag of the entry: recall (answers, score, outcome) plus name and links."""
    answers = entry_answers(entry)
    outcome = definition.outcomes_by_key.get(entry.outcome)
    context = flow.recall_context(definition, answers, state_from_json(entry.state), outcome)
    name = entry.name or people.contact(definition, answers)[1]  # an entry saved before roles
    return {**context, "name": name, **entry_links(entry)}


def merge_values(context: Mapping[str, str], trigger: str) -> dict[str, str]:
    """The entry's merge values an email of `trigger` may show: for an email to an address
    nobody proved, only its links (`flow.recall.UNPROVEN_NAMES`); its other tags stay empty."""
    if trigger in UNPROVEN_TRIGGERS:
        return {name: value for name, value in context.items() if name in UNPROVEN_NAMES}
    return dict(context)


def greeted(text: str, context: Mapping[str, str]) -> str:
    """`text` whose greeting lines with nothing to fill (no name known) say just "Hello,", in
    the active language."""

    def greeting(match: re.Match[str]) -> str:
        if flow.render(match.group("tags"), context, html=False).strip():
            return match.group(0)
        return gettext("Hello") + (match.group("end") or ",")

    return _GREETING.sub(greeting, text)


def _link(url: str, primary: str) -> str:
    """An anchor for `url`, which is already HTML-escaped."""
    return f'<a href="{url}" style="color:{primary};text-decoration:underline">{url}</a>'


def _link_urls(escaped: str, primary: str) -> str:
    def replace(match: re.Match[str]) -> str:
        url = match.group(0)
        trimmed = url.rstrip(".,:;!?)")
        # Keep the `;` that ends an entity such as `&amp;`.
        if url[len(trimmed):].startswith(";") and re.search(r"&[a-z]+$", trimmed):
            trimmed += ";"
        return _link(trimmed, primary) + url[len(trimmed):]

    return _URL.sub(replace, escaped)


def body_html(body: str, context: Mapping[str, str], primary: str) -> str:
    """The body as HTML paragraphs: marketer text escaped and linked, values escaped."""
    text = _link_urls(html.escape(body.replace("\r\n", "\n")), primary)
    values = {
        name: _link(html.escape(value), primary) if name in LINK_NAMES and value
        else html.escape(value)
        for name, value in context.items()
    }
    filled = flow.render(text, values, html=False)
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(filled.strip()) if p.strip()]
    return "".join(
        f'<p style="margin:0 0 16px;line-height:1.6">{p.replace(chr(10), "<br>")}</p>'
        for p in paragraphs
    )


def subject_text(subject: str, context: Mapping[str, str]) -> str:
    """One line: a newline in a recalled answer must not become a header break."""
    return " ".join(flow.render(subject, context, html=False).split())[:300]


def render(template: Template, context: Mapping[str, str], *, campaign_name: str,
           primary: str = DEFAULT_PRIMARY, logo_url: str = "") -> Rendered:
    unsubscribe = context.get("unsubscribe_link", "")
    template = Template(greeted(str(template.subject), context),
                        greeted(str(template.body).replace("\r\n", "\n"), context))
    text = flow.render(template.body, context, html=False).strip()
    footer = gettext("You get this email because you took part in “{campaign}”.").format(
        campaign=campaign_name)
    if unsubscribe:
        footer += "\n" + gettext("Unsubscribe: {link}").format(link=unsubscribe)
    layout = render_to_string("entries/email/follow_up.html", {
        "content": mark_safe(body_html(template.body, context, primary)),
        "campaign_name": campaign_name,
        "primary": primary,
        "logo_url": logo_url,
        "unsubscribe_link": unsubscribe,
    })
    return Rendered(subject=subject_text(template.subject, context) or campaign_name,
                    text=f"{text}\n\n--\n{footer}\n", html=layout)


def message(rendered: Rendered, *, to: str, from_name: str, message_id: str,
            unsubscribe_link: str) -> EmailMultiAlternatives:
    """The email with RFC 8058 one-click unsubscribe headers and a Message-ID stable across
    retries, so a receiving server can spot a copy sent twice after a crash."""
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    # RFC 3834: an automatic message, so out-of-office replies are not sent back to it.
    headers = {"Message-ID": message_id, "Auto-Submitted": "auto-generated"}
    if unsubscribe_link:
        headers["List-Unsubscribe"] = f"<{unsubscribe_link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(subject=rendered.subject, body=rendered.text,
                                   from_email=formataddr((from_name[:78], sender)), to=[to],
                                   headers=headers)
    email.attach_alternative(rendered.html, "text/html")
    return email


def absolute_image(path: str) -> str:
    return site_url(image_url(path))
