from django.urls import path

from entries import views

app_name = "entries"

urlpatterns = [
    path("<slug:slug>/", views.landing, name="landing"),
    path("<slug:slug>/e/<str:token>/", views.entry, name="entry"),
    path("<slug:slug>/e/<str:token>/events", views.entry_events, name="events"),
]
