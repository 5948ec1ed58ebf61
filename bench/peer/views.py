"""The same 5-step form as bench/runtime.py's campaign, as a Django developer would build it with
django-formtools: one Form per step (a required short text and a single choice), a
SessionWizardView keeping the answers in the database session, the answers saved to a model
at the end. CSRF-exempt like the runtime's views, so the same client walks both."""

from django import forms
from django.http import HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt
from formtools.wizard.views import SessionWizardView

from bench.peer.models import PeerSubmission

STEPS = 5
CHOICES = [("y", "Yes"), ("n", "No")]


def step_form(index: int) -> type[forms.Form]:
    fields = {f"q{index}a": forms.CharField(label=f"Question {index} a", max_length=200),
              f"q{index}b": forms.ChoiceField(label=f"Question {index} b", choices=CHOICES,
                                              widget=forms.RadioSelect)}
    return type(f"Step{index}Form", (forms.Form,), fields)


class PeerWizard(SessionWizardView):
    form_list = [(f"s{index}", step_form(index)) for index in range(STEPS)]
    template_name = "peer/step.html"

    def done(self, form_list, **kwargs):
        answers = {}
        for form in form_list:
            answers.update(form.cleaned_data)
        PeerSubmission.objects.create(answers=answers)
        return HttpResponseRedirect("/peer/done/", status=303)


wizard = csrf_exempt(PeerWizard.as_view())
