"""Who may enter a contest and who may win it: consent to the rules, the age gate, the quiz
gate, referral bonuses. (One entry per person holds for every kind: entries.services.people.)

The runtime calls `entry_completing` inside its transaction just before a completed entry is
written. Everything here is a no-op for campaigns that are not contests or giveaways.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from campaigns import flow
from campaigns.campaign_settings import CONTEST_KINDS, campaign_setting
from campaigns.models import Campaign
from entries.emailaddr import normalise_email
from entries.models import ContestSeal, Entry, EntryStatus, ReferralCredit
from entries.services import fraud

TICKET_ID_HEX = 32  # 128 bits of HMAC-SHA256: unguessable, and short enough for a 1M-row CSV
_SHA256_BLOCK = 64


def is_contest(campaign: Campaign) -> bool:
    return campaign.kind in CONTEST_KINDS


# --- consent and the age gate ----------------------------------------------------------------


def rules_consent(campaign: Campaign, definition: flow.Definition,
                  answers: dict[str, Any]) -> dict[str, Any] | None:
    """What the entrant agreed to, or None: the first required consent question they ticked.

    The wording kept is the label they saw (the campaign's consent wording if it has none).
    """
    question = next((q for q in definition.questions_by_key.values()
                     if q.kind == "consent" and q.required and answers.get(q.key) is True), None)
    if question is None:
        return None
    return {
        "question": question.key,
        "wording": question.label or campaign_setting(campaign, "consent_wording"),
        "rules_version": campaign_setting(campaign, "rules_version"),
        "at": timezone.now().isoformat(),
    }


def min_age(campaign: Campaign) -> int | None:
    value = campaign_setting(campaign, "min_age")
    return value if is_contest(campaign) and type(value) is int and value > 0 else None


@dataclass
class AgeCheck:
    """The age gate's verdict on a start form: an error to show next to the date, a refusal,
    or (both empty) the consent record to keep. The date of birth itself is never stored."""

    error: str = ""
    refused: bool = False
    record: dict[str, Any] | None = None


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def age_check(campaign: Campaign, data) -> AgeCheck:
    minimum = min_age(campaign)
    if minimum is None:
        return AgeCheck()
    today = timezone.localdate()
    born = _date_of_birth(data, today)
    if isinstance(born, str):
        return AgeCheck(error=born)
    if _years_between(born, today) < minimum:
        return AgeCheck(refused=True)
    return AgeCheck(record={"min_age": minimum, "confirmed_at": timezone.now().isoformat()})


def _date_of_birth(data, today: date) -> date | str:
    """The date typed in the day, month and year fields, or what is wrong with it."""
    parts = [str(data.get(f"dob_{part}", "")).strip() for part in ("day", "month", "year")]
    if not all(parts):
        return gettext("Enter your date of birth: day, month and year.")
    # isdigit() alone lets "²" through, which int() then refuses; a year has four digits.
    if not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        return gettext("Use numbers only, for example 27 3 1990.")
    day, month, year = map(int, parts)
    try:
        born = date(year, month, day)
    except ValueError:
        return gettext("That date doesn't exist. Check the day and the month.")
    if born > today or year < today.year - 130:
        return gettext("Enter your real date of birth, with a four-digit year.")
    return born


# --- eligibility -----------------------------------------------------------------------------


def gate(campaign: Campaign) -> tuple[list[str], float | None]:
    outcomes = [o for o in campaign_setting(campaign, "gate_outcomes") or [] if isinstance(o, str)]
    score = campaign_setting(campaign, "gate_min_score")
    return outcomes, score if isinstance(score, (int, float)) and not isinstance(score, bool) \
        else None


def entries_cutoff(campaign: Campaign) -> datetime | None:
    """The last moment an entry could count: the end date, or when the campaign stopped taking
    entries (paused, ended, unpublished) if that came first. None while open with no end date.

    The runtime refuses entries once closed; this also keeps out one that raced the close.
    """
    moments = [m for m in (campaign.ends_at, campaign.closed_at) if m is not None]
    return min(moments) if moments else None


def ineligibility(entry: Entry) -> str:
    """Why this entry cannot win (a sentence for the entrant), or "" if it is in the draw."""
    return _not_a_valid_entry(entry) or _not_through_the_gate(entry)


def _not_a_valid_entry(entry: Entry) -> str:
    campaign = entry.campaign
    if entry.status == EntryStatus.DISQUALIFIED:
        return gettext("This entry was disqualified.")
    if entry.status != EntryStatus.COMPLETED:
        return gettext("This entry isn't finished yet.")
    cutoff = entries_cutoff(campaign)
    if entry.completed_at and cutoff and entry.completed_at > cutoff:
        return gettext("It was completed after entries closed.")
    if entry.completed_at and campaign.starts_at and entry.completed_at < campaign.starts_at:
        return gettext("It was completed before entries opened.")
    if not entry.consent.get("rules"):
        return gettext("The official rules were not accepted.")
    return ""


def _not_through_the_gate(entry: Entry) -> str:
    outcomes, score = gate(entry.campaign)
    if outcomes and entry.outcome not in outcomes:
        return gettext("Only entries with the qualifying result take part in the draw.")
    if score is not None and entry.score < score:
        return gettext("Entries need a score of at least {score} to take part in the draw.").format(
            score=number_format(score))
    return ""


def eligible_entries(campaign: Campaign) -> QuerySet[Entry]:
    """The entries in the draw; the same rules as `ineligibility`, as one query."""
    entries = Entry.objects.filter(campaign=campaign, status=EntryStatus.COMPLETED,
                                   consent__has_key="rules")
    cutoff = entries_cutoff(campaign)
    if cutoff:
        entries = entries.filter(completed_at__lte=cutoff)
    if campaign.starts_at:
        entries = entries.filter(completed_at__gte=campaign.starts_at)
    outcomes, score = gate(campaign)
    if outcomes:
        entries = entries.filter(outcome__in=outcomes)
    if score is not None:
        entries = entries.filter(score__gte=score)
    return entries


# --- referrals -------------------------------------------------------------------------------


def _same_person(a: Entry, b: Entry) -> bool:
    try:
        return normalise_email(a.email) == normalise_email(b.email)
    except ValueError:
        return False


def referral_credit(*, entry: Entry) -> ReferralCredit | None:
    """Credit the entry's referrer with the campaign's bonus, once, if the entry is eligible.

    No credit for referring yourself (the same entry or the same normalised email) or from a
    referrer who is not a completed entry of the same campaign.
    """
    bonus = campaign_setting(entry.campaign, "referral_bonus")
    if not entry.referred_by_id or entry.referred_by_id == entry.pk or type(bonus) is not int \
            or bonus < 1 or ineligibility(entry):
        return None
    referrer = Entry.objects.filter(pk=entry.referred_by_id, campaign_id=entry.campaign_id,
                                    status=EntryStatus.COMPLETED).first()
    if referrer is None or _same_person(referrer, entry):
        return None
    try:
        with transaction.atomic():
            credit = ReferralCredit.objects.create(referrer=referrer, referred=entry,
                                                   tickets=bonus)
    except IntegrityError:
        return None  # already credited
    Entry.objects.filter(pk=referrer.pk).update(bonus_tickets=F("bonus_tickets") + bonus)
    return credit


def referral_reverse(*, entry: Entry) -> bool:
    """Take back the bonus the entry earned its referrer (it was disqualified); True if it did."""
    taken = ReferralCredit.objects.filter(referred=entry, reversed_at__isnull=True).update(
        reversed_at=timezone.now())
    if taken:
        credit = ReferralCredit.objects.get(referred=entry)
        Entry.objects.filter(pk=credit.referrer_id, bonus_tickets__gte=credit.tickets).update(
            bonus_tickets=F("bonus_tickets") - credit.tickets)
    return bool(taken)


def referral_restore(*, entry: Entry) -> bool:
    """Give back a reversed bonus (the entry was reinstated); True if it did."""
    given = ReferralCredit.objects.filter(referred=entry, reversed_at__isnull=False).update(
        reversed_at=None)
    if given:
        credit = ReferralCredit.objects.get(referred=entry)
        Entry.objects.filter(pk=credit.referrer_id).update(
            bonus_tickets=F("bonus_tickets") + credit.tickets)
    return bool(given)


# --- ticket ids ----------------------------------------------------------------------------


def ticket_mac(key: bytes) -> Callable[[int], str]:
    """entry id -> ticket id: hex HMAC-SHA256 (RFC 2104) of the id under the campaign's key.

    The key's two padded blocks are hashed once, so each id costs two hash copies instead of a
    fresh HMAC (half the time at a million tickets); the digests are hmac.new's.
    """
    if len(key) > _SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    block = key.ljust(_SHA256_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block)).copy

    def mac(entry_id: int) -> str:
        first = inner()
        first.update(str(entry_id).encode())
        second = outer()
        second.update(first.digest())
        return second.hexdigest()[:TICKET_ID_HEX]

    return mac


def ticket_id(key: bytes, entry_id: int) -> str:
    return ticket_mac(key)(entry_id)


def ticket_key(campaign_id: int) -> bytes | None:
    """The campaign's ticket key (its ContestSeal's), None before it first went live."""
    key = ContestSeal.objects.filter(campaign_id=campaign_id).values_list(
        "ticket_key", flat=True).first()
    return bytes.fromhex(key) if key else None


# --- completion ------------------------------------------------------------------------------


def entry_completing(*, entry: Entry, definition: flow.Definition,
                     answers: dict[str, Any]) -> None:
    """Runtime hook, before the completed entry is saved: record the consent and the fraud
    signals, keep the ticket id, and credit the referrer (all rolled back with the completion
    when one entry per person refuses it, entries.services.people)."""
    if not is_contest(entry.campaign):
        return
    # The key exists from the moment the contest went live (entries.signals), before any entry.
    key = ticket_key(entry.campaign_id)
    if key is not None:
        entry.ticket_id = ticket_id(key, entry.pk)
    consent = rules_consent(entry.campaign, definition, answers)
    if consent:
        entry.consent = {**entry.consent, "rules": consent}
    entry.fraud = fraud.assess(entry, definition, answers)
    referral_credit(entry=entry)
