"""The outbox: emails written with the change that caused them, sent exactly once by a worker.

Contract:
- `email_queue` writes rows IN THE CALLER'S TRANSACTION and sends one task per row on commit. If
  the broker is down at that moment the request still succeeds; `outbox_sweep` (celery beat)
  sends what is still queued a minute later. A rolled-back transaction leaves no row and no task.
- The unique idempotency key makes a repeated trigger write nothing new.
- `email_send` claims a row with a conditional UPDATE (queued, or sending with a claim older
  than EMAIL_CLAIM_TIMEOUT: its worker died), so of two tasks for one row exactly one sends.
  Transient SMTP failures go back to the queue with exponential backoff; permanent ones are
  recorded as failed with the server's reason. Unsubscribed addresses are never sent to.
- The one gap SMTP leaves: a worker killed after the server accepted the message but before the
  row was marked sent sends it again after the claim timeout. The Message-ID is stable across
  attempts, so the receiving side can drop the copy.
"""

import logging
import smtplib
import threading
import uuid
from collections.abc import Mapping
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.models import EmailTemplate
from campaigns.versions import definition_for
from entries import languages
from entries.connections import once_more_if_dropped
from entries.emailaddr import EmailAddressError, parse_email
from entries.mail import render
from entries.mail.unsubscribe import is_suppressed, unsubscribe_url
from entries.models import EmailStatus, Entry, OutboundEmail

logger = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(minutes=1)
SWEEP_BATCH = 500
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
# Merge values the caller must give for a trigger (its built-in text uses them).
REQUIRED_EXTRA = {"winner": {"claim_link", "claim_deadline"}}


def email_queue(*, entry: Entry, trigger: str, outcome_key: str = "",
                extra: Mapping[str, str] | None = None, to_email: str = "",
                dedupe: str = "") -> list[OutboundEmail]:
    """Queue the emails the entry's published version has for `trigger`; returns the new rows.

    `extra` adds merge values (the winner notification gives `claim_link` and `claim_deadline`);
    `to_email` overrides the entry's address; `dedupe` is appended to the idempotency key when
    one entry may rightly get the same trigger more than once (a win in a second draw, a resume
    link in a later window). `resume` and `winner` fall back to a built-in text when the campaign
    has no template for them. No address, no email.
    """
    extra = {str(name): str(value) for name, value in (extra or {}).items()}
    missing = REQUIRED_EXTRA.get(trigger, set()) - extra.keys()
    if missing:
        raise ValueError(f"a {trigger} email needs {', '.join(sorted(missing))} in `extra`")
    to_email = (to_email or entry.email).strip()
    if not to_email:
        return []
    definition = definition_for(entry.version_id)
    positions: list[int | None] = [
        position for position, template in enumerate(definition.emails)
        if template.trigger == trigger and (trigger != "outcome" or template.outcome == outcome_key)
    ]
    if not positions and trigger in render.DEFAULT_TEMPLATES:
        positions = [None]
    now = timezone.now()
    rows = [
        OutboundEmail(
            campaign_id=entry.campaign_id, entry=entry, template_position=position,
            trigger=trigger, to_email=to_email, context=extra, enqueued_at=now,
            available_at=now,
            idempotency_key=idempotency_key(entry.pk, trigger, position, dedupe),
        )
        for position in positions
    ]
    return rows_insert(rows, now)


def idempotency_key(entry_id: int, trigger: str, position: int | None, dedupe: str = "") -> str:
    """`"{entry}:{trigger}:{template position}"`, `default` for the built-in text, then `dedupe`."""
    parts = [str(entry_id), trigger, "default" if position is None else str(position)]
    return ":".join([*parts, dedupe] if dedupe else parts)


def email_queue_completed(*, entry: Entry) -> list[OutboundEmail]:
    """The completion hook: the `completed` emails, then those for the outcome reached."""
    rows = email_queue(entry=entry, trigger="completed")
    if entry.outcome:
        rows += email_queue(entry=entry, trigger="outcome", outcome_key=entry.outcome)
    return rows


def email_queue_test(*, template: EmailTemplate, to_email: str,
                     context: Mapping[str, str]) -> OutboundEmail:
    """A marketer's test send of a draft template, rendered with `context` (a sample entry)."""
    now = timezone.now()
    row = OutboundEmail(
        campaign_id=template.campaign_id, template=template, trigger=template.trigger,
        to_email=to_email, context=dict(context), enqueued_at=now, available_at=now,
        idempotency_key=f"test:{uuid.uuid4().hex}",
    )
    return rows_insert([row], now)[0]


@transaction.atomic
def email_requeue(*, email: OutboundEmail) -> OutboundEmail:
    """Send a failed email again (the marketer fixed the cause): a fresh set of attempts."""
    now = timezone.now()
    requeued = OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.FAILED).update(
        status=EmailStatus.QUEUED, attempts=0, error="", available_at=now, claimed_at=None)
    if requeued:
        _publish_on_commit([email.pk])
    email.refresh_from_db()
    return email


@transaction.atomic
def rows_insert(rows: list[OutboundEmail], now) -> list[OutboundEmail]:
    if not rows:
        return []
    OutboundEmail.objects.bulk_create(rows, ignore_conflicts=True)
    # Conflicting rows were written earlier, so they carry an older enqueued_at.
    created = list(OutboundEmail.objects.filter(
        idempotency_key__in=[row.idempotency_key for row in rows], enqueued_at=now))
    _publish_on_commit([row.pk for row in created])
    return created


def _publish_on_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: publish(ids))


def publish(ids: list[int]) -> None:
    """Send one task per row; with the broker down, the rest is left to the sweeper.

    Nothing raises into the caller: this runs after the commit, where the visitor's request has
    already succeeded, and a broker outage costs it milliseconds and one log line (see
    config/celery.py). (With tasks run eagerly, the embedded default, a send's own failure
    surfaces here too; the row has recorded it.)
    """
    from entries.tasks import email_send as email_send_task  # noqa: PLC0415  (tasks imports this)

    email_send_task.publish_each(ids)


def _claim_timeout() -> timedelta:
    return timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT)


def email_send(*, email_id: int) -> OutboundEmail | None:
    """Claim, render and send one row; None when another worker has it or it is done.

    The returned row's status says what happened; `queued` means try again at `available_at`.
    """
    now = timezone.now()
    claimable = Q(status=EmailStatus.QUEUED) | Q(status=EmailStatus.SENDING,
                                                 claimed_at__lt=now - _claim_timeout())
    claimed = OutboundEmail.objects.filter(claimable, pk=email_id).update(
        status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    email = OutboundEmail.objects.select_related("campaign", "entry__campaign", "template").get(
        pk=email_id)
    if email.entry_id and is_suppressed(workspace_id=email.campaign.workspace_id,
                                        email=email.to_email):
        return _finish(email, status=EmailStatus.SUPPRESSED,
                       error="The address unsubscribed from this workspace; nothing was sent.")
    try:
        parse_email(email.to_email)  # every address is checked where it is typed; older rows too
    except EmailAddressError as refused:
        return _finish(email, status=EmailStatus.FAILED, error=f"Not sent: {refused.message}")
    try:
        with languages.speaking(email.entry if email.entry_id else None):
            rendered, message = _compose(email)
    except Exception as error:
        logger.exception("email %s could not be rendered", email_id)
        return _finish(email, status=EmailStatus.FAILED, error=f"Could not render: {error}")
    email.subject = rendered.subject
    try:
        _deliver(message)
    except Exception as error:  # classify() sorts every failure: transient or for good
        return _undelivered(email, error)
    return _finish(email, status=EmailStatus.SENT, error="", sent_at=timezone.now())


def _undelivered(email: OutboundEmail, error: Exception) -> OutboundEmail:
    """A failed send: failed for good, or queued again after a backoff while attempts last."""
    transient, reason = classify(error)
    if not transient:
        return _finish(email, status=EmailStatus.FAILED, error=reason)
    if email.attempts >= MAX_ATTEMPTS:
        return _finish(email, status=EmailStatus.FAILED,
                       error=f"Gave up after {email.attempts} attempts: {reason}")
    delay = min(BACKOFF_BASE_SECONDS * 2 ** (email.attempts - 1), BACKOFF_MAX_SECONDS)
    return _finish(email, status=EmailStatus.QUEUED, error=f"Will retry: {reason}",
                   available_at=timezone.now() + timedelta(seconds=delay))


# One open SMTP connection per worker thread, reused from task to task: connecting, EHLO and
# QUIT are half of a send's round trips. Keyed by the settings, which tests change.
_smtp = threading.local()


def _mail_settings() -> tuple:
    return (settings.EMAIL_BACKEND, getattr(settings, "EMAIL_HOST", ""),
            getattr(settings, "EMAIL_PORT", 0), getattr(settings, "EMAIL_HOST_USER", ""))


def _deliver(message) -> None:
    key = _mail_settings()
    if getattr(_smtp, "key", None) != key:
        _drop_connection()
    kept = getattr(_smtp, "connection", None)
    if kept is not None:
        try:
            kept.send_messages([message])
            return
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPSenderRefused) as error:
            # A server closes an idle connection (a 421 to the next MAIL FROM, or just gone):
            # nothing was sent on it, so one try on a fresh connection is safe.
            _drop_connection()
            if getattr(error, "smtp_code", 421) != 421:
                raise
        except Exception:
            _drop_connection()
            raise
    connection = get_connection()
    connection.open()
    _smtp.connection, _smtp.key = connection, key
    try:
        connection.send_messages([message])
    except Exception:
        _drop_connection()
        raise


def _drop_connection() -> None:
    connection, _smtp.connection = getattr(_smtp, "connection", None), None
    if connection is not None:
        try:
            connection.close()
        except Exception:  # already broken: nothing left to close cleanly
            logger.debug("closing a broken SMTP connection failed", exc_info=True)


def _finish(email: OutboundEmail, **changes) -> OutboundEmail:
    """Record the outcome unless the claim was taken over meanwhile (then the new owner does)."""
    changes["subject"] = email.subject
    # Repeated on a fresh connection if the database dropped this one: after a send, a lost
    # `sent` would make the sweeper send it again. The claim condition makes the repeat safe.
    once_more_if_dropped(lambda: OutboundEmail.objects.filter(
        pk=email.pk, status=EmailStatus.SENDING, claimed_at=email.claimed_at).update(**changes))
    for name, value in changes.items():
        setattr(email, name, value)
    return email


def _compose(email: OutboundEmail):
    campaign = email.campaign
    if email.entry_id:
        definition = languages.entry_definition(email.entry)
        context = render.merge_values(render.entry_context(email.entry, definition),
                                      email.trigger)
        name, theme = definition.name, definition.theme
        primary, logo = theme.primary, theme.logo
        if email.template_position is None:
            template = render.DEFAULT_TEMPLATES[email.trigger]
        else:
            stored = definition.emails[email.template_position]
            template = render.Template(stored.subject, stored.body)
    else:
        if email.template is None:
            raise ValueError("the template was deleted before the test email was sent")
        context, name = {}, campaign.name
        primary = campaign.theme.get("primary") or render.DEFAULT_PRIMARY
        logo = campaign.theme.get("logo", "")
        template = render.Template(email.template.subject, email.template.body)
    unsubscribe = unsubscribe_url(workspace_id=campaign.workspace_id, email=email.to_email)
    context = {**context, **email.context, "unsubscribe_link": unsubscribe}
    rendered = render.render(template, context, campaign_name=name, primary=primary,
                             logo_url=render.absolute_image(logo))
    host = urlsplit(settings.SITE_URL).hostname or "stepcraft.localhost"
    message_id = f"<outbound-{email.pk}.{email.idempotency_key.replace(':', '.')}@{host}>"
    message = render.message(rendered, to=email.to_email, from_name=name, message_id=message_id,
                             unsubscribe_link=unsubscribe)
    return rendered, message


def classify(error: Exception) -> tuple[bool, str]:
    """(transient, reason) for a failed send: 4xx and lost connections are worth retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        reason = "; ".join(f"{address}: {code} {_text(text)}"
                           for address, (code, text) in error.recipients.items())
        transient = bool(codes) and all(400 <= code < 500 for code in codes)
        return transient, f"Recipient refused: {reason}"
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500, f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True, f"Connection lost: {error}"
    if isinstance(error, smtplib.SMTPException):
        return False, f"{type(error).__name__}: {error}"
    if isinstance(error, OSError):
        return True, f"Could not reach the mail server: {error}"
    return False, f"{type(error).__name__}: {error}"


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def outbox_sweep() -> list[int]:
    """Send again what waited too long: queued a minute past its time, or claimed by a worker
    that went quiet. Returns the ids sent."""
    now = timezone.now()
    due = (Q(status=EmailStatus.QUEUED, available_at__lt=now - SWEEP_AFTER)
           | Q(status=EmailStatus.SENDING, claimed_at__lt=now - _claim_timeout()))
    ids = list(OutboundEmail.objects.filter(due).order_by("available_at")
               .values_list("pk", flat=True)[:SWEEP_BATCH])
    # Pushed forward so that the next sweep waits another minute for these.
    OutboundEmail.objects.filter(pk__in=ids, status=EmailStatus.QUEUED).update(available_at=now)
    publish(ids)
    return ids
