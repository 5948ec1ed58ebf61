"""One factory per model, with realistic lazy defaults."""

import factory
from django.utils import timezone

from builder.models import User
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
from entries.models import Answer, DailyViews, Entry, Erasure, Export, Interaction

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

    entry = factory.SubFactory(EntryFactory)
    question_key = "name"
    value = factory.Faker("first_name")
    first_value = factory.SelfAttribute("value")
    answered_at = factory.LazyFunction(timezone.now)


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
