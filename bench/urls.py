"""The project's URLs plus `/bench/baseline/`: the cheapest useful POST this stack can serve.

The baseline goes through the same middleware as the runtime and inserts exactly one row into an
existing table (entries_interaction), so its rate is the stack's own limit on this machine.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from entries.models import Interaction, InteractionKind


@csrf_exempt
@require_POST
def baseline(request: HttpRequest) -> HttpResponse:
    Interaction.objects.create(entry_id=int(request.POST["entry"]),
                               step_key=request.POST.get("step", "")[:63],
                               kind=InteractionKind.VIEW, at=timezone.now(),
                               data={"by": "bench"})
    return HttpResponseRedirect("/bench/baseline/", status=303)


urlpatterns = [
    path("bench/baseline/", baseline),
    path("", include("config.urls")),
]
