"""The project's URLs plus two reference views for bench/runtime.py, through the same middleware.

`/bench/baseline/` is the cheapest useful POST this stack can serve: it inserts exactly one row
into an existing table (entries_interaction), so its rate is the stack's own limit here.
`/bench/floor/<slug>/<token>/` is the database work of one step submit and nothing else: the
entry read by its token, then its answers, the entry moved on and two events written, by the
runtime's own `entry_store` calls. Its rate is what the data model allows, before any logic.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from entries import events
from entries.models import Interaction, InteractionKind
from entries.services.entry_store import entry_for_runtime, step_save
from entries.services.runtime import STEP_FIELDS


@csrf_exempt
@require_POST
def baseline(request: HttpRequest) -> HttpResponse:
    Interaction.objects.create(entry_id=int(request.POST["entry"]),
                               step_key=request.POST.get("step", "")[:63],
                               kind=InteractionKind.VIEW, at=timezone.now(),
                               data={"by": "bench"})
    return HttpResponseRedirect("/bench/baseline/", status=303)


@csrf_exempt
@require_POST
def floor(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    entry = entry_for_runtime(slug=slug, token=token)
    step = request.POST["step"]
    answers = {key: value for key, value in request.POST.items() if key != "step"}
    entry.trail = [*entry.trail, step]
    entry.current_step = f"s{int(step[1:]) + 1}"
    entry.answer_values = {**entry.answer_values, **answers}
    entry.score = len(entry.trail)
    entry.state = {"score": entry.score, "vars": {}, "weights": {}}
    step_save(entry, fields=STEP_FIELDS, new_answers=answers, changed_answers={},
              events=[events.step_submitted(entry, step, changed=[]),
                      events.step_viewed(entry, entry.current_step)])
    return HttpResponseRedirect(f"/c/{slug}/e/{token}/", status=303)


urlpatterns = [
    path("bench/baseline/", baseline),
    path("bench/floor/<slug:slug>/<str:token>/", floor),
    path("", include("config.urls")),
]
