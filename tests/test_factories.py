"""Every model of ours has a factory that builds a valid, saved row."""

import pytest
from django.apps import apps

from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [getattr(factories, name) for name in dir(factories) if name.endswith("Factory")
             and name != "Factory" and hasattr(getattr(factories, name), "_meta")]


def test_one_factory_per_model():
    ours = {m for m in apps.get_models() if m._meta.app_label in {"builder", "campaigns",
                                                                    "entries"}}
    covered = {f._meta.model for f in FACTORIES}
    assert ours - covered == set()


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_creates_a_valid_row(factory):
    row = factory()
    row.full_clean(validate_unique=False, exclude=["password", "token", "referral_code"])
    assert row.pk
