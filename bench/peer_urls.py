"""bench/urls.py plus the peer wizard at /peer/ (bench/peer/views.py)."""

from django.urls import path

from bench.peer.views import wizard
from bench.urls import urlpatterns as bench_urlpatterns

urlpatterns = [path("peer/", wizard), *bench_urlpatterns]
