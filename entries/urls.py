from django.urls import path

from entries import views
from entries.mail import views as mail_views

app_name = "entries"

urlpatterns = [
    path("unsubscribe/<str:token>/", mail_views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.landing, name="landing"),
    path("<slug:slug>/e/<str:token>/", views.entry, name="entry"),
    path("<slug:slug>/e/<str:token>/events", views.entry_events, name="events"),
    path("<slug:slug>/e/<str:token>/later/", mail_views.resume, name="resume"),
]
