"""Staff can open the Django admin's list, add and change pages for every model."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OWN_APPS = {"builder", "campaigns", "entries"}


def test_every_model_of_ours_is_registered():
    missing = [m.__name__ for m in apps.get_models()
               if m._meta.app_label in OWN_APPS and m not in admin.site._registry]
    assert not missing


def test_every_admin_list_and_add_page_opens(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in OWN_APPS:
            continue
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        assert response.status_code in (200, 403), meta.model_name
