"""Forms of the content editor. They read typed values; the content services judge them.

Each form has a prefix naming its item ("q-12-label"), so the many forms on the editor page have
distinct ids and labels. A question's form has the settings of its kind, from the engine's table.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from django import forms
from django.urls import reverse

from builder.forms import ImageUploadField
from campaigns.flow import KINDS
from campaigns.flow.kinds import Setting
from campaigns.models import Campaign, Choice, Outcome, Question, Step
from campaigns.services.content import (
    LOCKED_MESSAGE,
    ChoiceFields,
    OutcomeFields,
    QuestionFields,
)
from campaigns.services.content.settings import setting_type

KIND_CHOICES = [(name, kind.label) for name, kind in KINDS.items()]
CONTACT_TEXT = {
    "email": ("The entrant's email address",
              "Automatic: the first email question is the entrant's address"),
    "name": ("The entrant's name", "Automatic: the entrant's name if it asks a name"),
}


# The form field of each setting type; any other type is a short text.
_SETTING_FIELDS: dict[str, Callable[..., forms.Field]] = {
    "count": lambda **common: forms.IntegerField(min_value=0, **common),
    "number": forms.FloatField,
    "bool": forms.BooleanField,
    "date": lambda **common: forms.DateField(widget=forms.DateInput(attrs={"type": "date"}),
                                             **common),
    "size_mb": lambda **common: forms.FloatField(min_value=0, **common),
    "content_types": lambda **common: forms.CharField(max_length=2000, **common),
}


def _setting_field(setting: Setting) -> forms.Field:
    field = _SETTING_FIELDS.get(setting.type,
                                lambda **common: forms.CharField(max_length=200, **common))
    return field(label=setting.label, help_text=setting.help, required=False)


def _key_field(locked: bool, help_text: str) -> forms.CharField:
    field = forms.CharField(label="Key", max_length=63, required=not locked,
                            help_text=LOCKED_MESSAGE if locked else help_text)
    field.disabled = locked
    return field


class StepForm(forms.Form):
    title = forms.CharField(label="Title", max_length=1000, required=False)
    body = forms.CharField(label="Text", required=False, max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 3, "data-rich": "1"}),
                           help_text="Shown under the title. Bold, italic, links and lists.")
    button = forms.CharField(label="Button label", max_length=200, required=False,
                             help_text="Empty: “Next” (or “Submit” on the last step).")

    def __init__(self, *args, step: Step, locked: bool, **kwargs):
        kwargs.setdefault("initial", {"title": step.title, "body": step.body,
                                      "button": step.button, "key": step.key})
        super().__init__(*args, prefix=f"step-{step.pk}", **kwargs)
        self.fields["key"] = _key_field(locked, "Used in links and rules.")


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES,
                             help_text="Changing it keeps the settings the new kind has too.")
    label = forms.CharField(label="Label", max_length=2000, required=False)
    help = forms.CharField(label="Help text", max_length=2000, required=False)

    def __init__(self, *args, question: Question, locked: bool, **kwargs):
        kind = question.kind
        choices = list(question.choices.all())
        initial = {"kind": kind, "label": question.label, "help": question.help,
                   "required": question.required, "placeholder": question.placeholder,
                   "points": question.points, "correct": question.correct, "key": question.key,
                   "contact": question.contact}
        for name, value in question.validation.items():
            initial[name] = ", ".join(value) if isinstance(value, list) else value
        kwargs.setdefault("initial", initial)
        super().__init__(*args, prefix=f"q-{question.pk}", **kwargs)
        if kind == "statement":
            self.fields["label"].label = "Text"
        elif kind == "consent":
            self.fields["label"].label = "Consent wording"
        if KINDS[kind].can_require:
            self.fields["required"] = forms.BooleanField(
                label="Must be ticked" if kind == "consent" else "Required", required=False)
        if KINDS[kind].placeholder:
            self.fields["placeholder"] = forms.CharField(
                label="Placeholder", max_length=400, required=False,
                help_text="“Choose…” line of the list." if kind == "dropdown"
                else "Example text shown in the empty field.")
        roles = KINDS[kind].contact_roles
        if roles:
            self.fields["contact"] = forms.ChoiceField(
                label="About the entrant", required=False,
                choices=[("", CONTACT_TEXT[roles[0]][1]),
                         *((role, CONTACT_TEXT[role][0]) for role in roles),
                         ("none", "Not about the entrant (a friend's address, a company…)")],
                help_text="Shown in Entrants from the step it is answered on, and used for "
                          "one entry per person.")
        self.setting_names = []
        for name, setting in KINDS[kind].validation.items():
            self.fields[name] = _setting_field(setting)
            self.setting_names.append(name)
        if KINDS[kind].has_choices:
            options = [(c.key, c.label) for c in choices]
            if KINDS[kind].multiple:
                self.fields["correct"] = forms.MultipleChoiceField(
                    label="Correct answer", choices=options, required=False,
                    widget=forms.CheckboxSelectMultiple,
                    help_text="Quizzes: exactly these choices count as correct.")
            else:
                self.fields["correct"] = forms.ChoiceField(
                    label="Correct answer", choices=[("", "No correct answer"), *options],
                    required=False)
            self.fields["points"] = forms.IntegerField(
                label="Points for a correct answer", required=False)
        self.fields["key"] = _key_field(locked, "Names the answer in rules, recall and exports.")
        self.fields["settings_kind"] = forms.CharField(widget=forms.HiddenInput, required=False,
                                                       initial=kind)
        self.fields["kind"].widget.attrs.update({
            # With JavaScript, picking another kind shows its settings at once (nothing saved).
            "hx-post": reverse("builder:editor_question", args=[question.campaign_id, question.pk]),
            "hx-trigger": "change", "hx-vals": '{"preview": "1"}',
            "hx-target": f"#question-{question.key}", "hx-swap": "outerHTML"})
        self.preview_note = ""

    @property
    def setting_fields(self):
        return [self[name] for name in self.setting_names]

    def saved_fields(self) -> QuestionFields:
        data = self.cleaned_data
        return QuestionFields(
            kind=data["kind"], label=data["label"], help=data["help"],
            required=data.get("required", False), placeholder=data.get("placeholder", ""),
            validation={name: data.get(name) for name in self.setting_names},
            points=data.get("points") or 0, correct=data.get("correct") or None,
            key=data.get("key") if not self.fields["key"].disabled else None,
            contact=data.get("contact", "") if "contact" in self.fields else None,
        )


def kind_preview(question: Question, data, *, locked: bool) -> QuestionForm:
    """The form as it would be with the kind picked in `data`, keeping what was typed for the
    settings both kinds share; nothing is saved until the marketer saves."""
    prefix = f"q-{question.pk}-"
    kind = data.get(prefix + "kind")
    if kind not in KINDS or kind == question.kind:
        return QuestionForm(data, question=question, locked=locked)
    preview = copy.copy(question)
    preview.kind = kind
    # The settings posted are those of the kind the form was drawn for: the ones that mean
    # something else for the new kind are dropped (the service carries over saved ones).
    data = data.copy()
    drawn_for = data.get(prefix + "settings_kind")
    drawn_for = drawn_for if drawn_for in KINDS else question.kind
    for name in KINDS[drawn_for].validation:
        if setting_type(drawn_for, name) != setting_type(kind, name):
            data.pop(prefix + name, None)
    data[prefix + "settings_kind"] = kind
    form = QuestionForm(data, question=preview, locked=locked)
    form.preview_note = f"Not saved yet: save the question to make it a {KINDS[kind].label}."
    dropped = len(question.choices.all()) if not KINDS[kind].has_choices else 0
    if dropped:
        form.preview_note += f" Its {dropped} choice{'s' if dropped != 1 else ''} will be removed."
    return form


class ChoiceForm(forms.Form):
    label = forms.CharField(label="Choice", max_length=1000, required=False)

    def __init__(self, *args, choice: Choice, locked: bool, outcomes: list[Outcome],
                 show_points: bool, show_weights: bool, show_image: bool, **kwargs):
        initial = {"label": choice.label, "key": choice.key, "points": choice.points}
        initial.update({f"weight_{o.key}": choice.weights.get(o.key) for o in outcomes})
        kwargs.setdefault("initial", initial)
        super().__init__(*args, prefix=f"c-{choice.pk}", **kwargs)
        self.fields["key"] = _key_field(locked, "The stored answer.")
        if show_points:
            self.fields["points"] = forms.IntegerField(label="Points", required=False)
        self.weight_names = []
        if show_weights:
            for outcome in outcomes:
                name = f"weight_{outcome.key}"
                self.fields[name] = forms.FloatField(label=f"Weight for “{outcome.title}”",
                                                     required=False)
                self.weight_names.append((name, outcome.key))
        if show_image:
            self.fields["image"] = ImageUploadField(label="Picture", required=False,
                                                   help_text="PNG, JPEG, WebP or GIF, up to 8 MB.")
            if choice.image:
                self.fields["remove_image"] = forms.BooleanField(label="Remove the picture",
                                                                 required=False)

    @property
    def weight_fields(self):
        return [self[name] for name, _key in self.weight_names]

    def saved_fields(self, current: Choice) -> ChoiceFields:
        data = self.cleaned_data
        return ChoiceFields(
            label=data["label"],
            key=current.key if self.fields["key"].disabled else data["key"],
            points=(data.get("points") or 0) if "points" in self.fields else current.points,
            weights=({key: data.get(name) for name, key in self.weight_names}
                     if self.weight_names else current.weights),
            upload=data.get("image") or None,
            remove_image=data.get("remove_image", False),
        )


class OutcomeForm(forms.Form):
    title = forms.CharField(label="Title", max_length=1000, required=False)
    body = forms.CharField(label="Text", required=False, max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 4, "data-rich": "1"}))
    min_score = forms.FloatField(label="Lowest score", required=False,
                                 help_text="Scoring by range: from this score (empty: any).")
    max_score = forms.FloatField(label="Highest score", required=False,
                                 help_text="Up to this score, inclusive (empty: any).")
    redirect_url = forms.CharField(label="Redirect to", max_length=2000, required=False,
                                   help_text="Optional: send visitors on to this address.")
    image = ImageUploadField(label="Picture", required=False,
                            help_text="PNG, JPEG, WebP or GIF, up to 8 MB.")
    share_image = ImageUploadField(
        label="Share image", required=False,
        help_text="Shown when a visitor shares this result, instead of the image we draw. "
                  "1200×630 pixels suits every network; PNG, JPEG, WebP or GIF, up to 8 MB.")

    def __init__(self, *args, outcome: Outcome, locked: bool, **kwargs):
        kwargs.setdefault("initial", {
            "title": outcome.title, "body": outcome.body, "key": outcome.key,
            "min_score": outcome.min_score, "max_score": outcome.max_score,
            "redirect_url": outcome.redirect_url})
        super().__init__(*args, prefix=f"o-{outcome.pk}", **kwargs)
        self.fields["key"] = _key_field(locked, "Names the outcome in rules and exports.")
        if outcome.image:
            self.fields["remove_image"] = forms.BooleanField(label="Remove the picture",
                                                             required=False)
        if outcome.share_image:
            self.fields["remove_share_image"] = forms.BooleanField(
                label="Remove the share image (use the drawn one)", required=False)

    def saved_fields(self, current: Outcome) -> OutcomeFields:
        data = self.cleaned_data
        return OutcomeFields(
            title=data["title"], body=data["body"],
            key=current.key if self.fields["key"].disabled else data["key"],
            min_score=data["min_score"], max_score=data["max_score"],
            redirect_url=data["redirect_url"], upload=data.get("image") or None,
            remove_image=data.get("remove_image", False),
            share_upload=data.get("share_image") or None,
            remove_share_image=data.get("remove_share_image", False),
        )


class AddStepForm(forms.Form):
    title = forms.CharField(label="New step title", max_length=1000, required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, prefix="add-step", **kwargs)


class AddQuestionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES, initial="short_text")
    label = forms.CharField(label="Question", max_length=2000, required=False)

    def __init__(self, *args, step: Step, **kwargs):
        super().__init__(*args, prefix=f"add-q-{step.pk}", **kwargs)


class AddChoiceForm(forms.Form):
    label = forms.CharField(label="New choice", max_length=1000, required=False)

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, prefix=f"add-c-{question.pk}", **kwargs)


class AddOutcomeForm(forms.Form):
    title = forms.CharField(label="New outcome title", max_length=1000, required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, prefix="add-outcome", **kwargs)
