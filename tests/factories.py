"""One factory per model, with realistic lazy defaults."""

import gzip
import hashlib
import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from builder.models import ApiKey, User
from campaigns.models import (
    Campaign,
    CampaignVersion,
    Choice,
    DraftChange,
    EmailTemplate,
    Invitation,
    Membership,
    Outcome,
    Question,
    Role,
    Rule,
    Step,
    Workspace,
)
from entries import verify_draw
from entries.models import (
    Answer,
    ContestSeal,
    DailyViews,
    Draw,
    DrawTickets,
    Entry,
    EntryAudit,
    Erasure,
    Export,
    Interaction,
    OutboundEmail,
    ReferralCredit,
    Suppression,
    WebhookDelivery,
    WebhookEndpoint,
    Winner,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"marketer{n}@example.com")
    first_name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Role.OWNER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    workspace = factory.SubFactory(WorkspaceFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.EDITOR
    invited_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Spring quiz {n}")
    slug = factory.Sequence(lambda n: f"spring-quiz-{n}")
    kind = "quiz"


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    campaign = factory.SubFactory(CampaignFactory)
    key = factory.Sequence(lambda n: f"step-{n}")
    position = factory.Sequence(int)
    title = "About you"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    step = factory.SubFactory(StepFactory)
    campaign = factory.SelfAttribute("step.campaign")
    key = factory.Sequence(lambda n: f"q{n}")
    position = factory.Sequence(int)
    kind = "short_text"
    label = "What's your name?"


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind="single_choice")
    key = factory.Sequence(lambda n: f"c{n}")
    position = factory.Sequence(int)
    label = factory.Sequence(lambda n: f"Option {n}")


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    step = factory.SubFactory(StepFactory)
    position = factory.Sequence(int)
    condition = None
    action = factory.LazyFunction(lambda: {"type": "end"})


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    campaign = factory.SubFactory(CampaignFactory)
    key = factory.Sequence(lambda n: f"outcome-{n}")
    position = factory.Sequence(int)
    title = "You're a natural"


class EmailTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailTemplate

    campaign = factory.SubFactory(CampaignFactory)
    trigger = "completed"
    subject = "Thanks, {{ answers.name }}"
    body = "Your result: {{ outcome.title }}"


class CampaignVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignVersion

    campaign = factory.SubFactory(CampaignFactory)
    number = factory.Sequence(lambda n: n + 1)
    definition = factory.LazyAttribute(lambda v: {
        "schema": 1, "name": v.campaign.name, "kind": v.campaign.kind,
        "steps": [{"key": "s1", "questions": [{"key": "name", "kind": "short_text",
                                                "label": "Name"}]}],
    })


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    version = factory.SubFactory(CampaignVersionFactory)
    campaign = factory.SelfAttribute("version.campaign")
    current_step = "s1"
    email = factory.Sequence(lambda n: f"visitor{n}@example.org")


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer
        skip_postgeneration_save = True

    entry = factory.SubFactory(EntryFactory)
    question_key = "name"
    value = factory.Faker("first_name")
    first_value = factory.SelfAttribute("value")
    answered_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def current_value(self, create, extracted, **kwargs):
        """The entry's `answer_values`, written with the row as the runtime does."""
        if create:
            self.entry.answer_values = {**self.entry.answer_values, self.question_key: self.value}
            self.entry.save(update_fields=["answer_values"])


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    entry = factory.SubFactory(EntryFactory)
    step_key = "s1"
    kind = "view"
    at = factory.LazyFunction(timezone.now)


class DailyViewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyViews

    version = factory.SubFactory(CampaignVersionFactory)
    campaign = factory.SelfAttribute("version.campaign")
    day = factory.LazyFunction(lambda: timezone.now().date())
    views = 1


class DraftChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DraftChange

    campaign = factory.SubFactory(CampaignFactory)
    revision = factory.LazyAttribute(lambda o: o.campaign.revision)
    by = factory.SubFactory(UserFactory)
    summary = "Changed the first step's title"


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundEmail

    entry = factory.SubFactory(EntryFactory)
    campaign = factory.SelfAttribute("entry.campaign")
    trigger = "completed"
    to_email = factory.SelfAttribute("entry.email")
    idempotency_key = factory.Sequence(lambda n: f"factory:{n}")


class SuppressionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suppression

    workspace = factory.SubFactory(WorkspaceFactory)
    email = factory.Sequence(lambda n: f"unsubscribed{n}@example.org")

class ContestSealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContestSeal

    campaign = factory.SubFactory(CampaignFactory, kind="giveaway")
    salt = factory.LazyFunction(lambda: secrets.token_bytes(32).hex())
    salt_commit = factory.LazyAttribute(
        lambda seal: hashlib.sha256(bytes.fromhex(seal.salt)).hexdigest())
    ticket_key = factory.LazyFunction(lambda: secrets.token_bytes(32).hex())


def _draw_proof(slug, drawn_at):
    return verify_draw.draw(slug, [("a" * 32, 1)], secrets.token_bytes(32), "", 1, 0, drawn_at)


class DrawFactory(factory.django.DjangoModelFactory):
    """A stored draw whose proof is a real draw-v1 proof of its own single entry."""

    class Meta:
        model = Draw

    campaign = factory.SubFactory(CampaignFactory, kind="giveaway")
    drawn_at = factory.LazyFunction(timezone.now)
    proof = factory.LazyAttribute(lambda d: _draw_proof(d.campaign.slug, d.drawn_at))
    ranked = factory.LazyAttribute(lambda d: [[d.proof["winners"][0], 0]])


class DrawTicketsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DrawTickets

    draw = factory.SubFactory(DrawFactory)
    csv_gz = factory.LazyFunction(lambda: gzip.compress(b"ticket_id,weight\n"))


class WinnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Winner

    entry = factory.SubFactory(EntryFactory, status="completed")
    draw = factory.SubFactory(DrawFactory, campaign=factory.SelfAttribute("..entry.campaign"))
    ticket_id = factory.Sequence(lambda n: f"{n:032x}")
    prize = 1
    rank = 1
    status = "notified"
    notified_at = factory.LazyFunction(timezone.now)
    claim_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ReferralCreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralCredit

    referrer = factory.SubFactory(EntryFactory, status="completed")
    referred = factory.SubFactory(EntryFactory, status="completed",
                                  version=factory.SelfAttribute("..referrer.version"))
    tickets = 1


class EntryAuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntryAudit

    entry = factory.SubFactory(EntryFactory, status="disqualified")
    by = factory.SubFactory(UserFactory)
    action = "disqualified"
    reason = "Same household entered five times"
class ExportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Export

    campaign = factory.SubFactory(CampaignFactory)
    requested_by = factory.SubFactory(UserFactory)
    format = "wide"


class ErasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Erasure

    workspace = factory.SubFactory(WorkspaceFactory)
    by = factory.SubFactory(UserFactory)
    email_hash = factory.Sequence(lambda n: f"{n:064x}")
    counts = factory.LazyFunction(lambda: {"entries": 1, "answers": 3, "interactions": 9})


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """A key row; its secret is unknown (tests that call the API use `api_key_create`)."""

    class Meta:
        model = ApiKey

    workspace = factory.SubFactory(WorkspaceFactory)
    name = "Zapier"
    scopes = factory.LazyFunction(lambda: ["entries:read"])
    prefix = "sc_abcdefgh"
    secret_hash = factory.Sequence(lambda n: hashlib.sha256(f"sc_{n}".encode()).hexdigest())
    created_by = factory.SubFactory(UserFactory)


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    workspace = factory.SubFactory(WorkspaceFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example.com/{n}")
    events = factory.LazyFunction(lambda: ["entry.completed"])


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event = "entry.completed"
    payload = factory.LazyFunction(lambda: {"type": "entry.completed", "data": {}})
