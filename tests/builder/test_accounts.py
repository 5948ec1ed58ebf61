import re

import pytest
from django.core import mail
from django.urls import reverse

from builder.models import User
from campaigns.models import Role

pytestmark = pytest.mark.django_db


def test_sign_up_gives_a_personal_workspace_and_lands_in_the_builder(client):
    response = client.post(reverse("account_signup"), {
        "email": "ada@example.com",
        "password1": "a-long-passphrase-1",
        "password2": "a-long-passphrase-1",
    })
    assert response.status_code == 302
    assert response.headers["Location"] == "/app/"
    user = User.objects.get(email="ada@example.com")
    membership = user.memberships.get()
    assert membership.role == Role.OWNER
    assert membership.workspace.name == "ada's workspace"

    home = client.get("/app/")
    assert home.status_code == 200
    assert "No campaigns yet" in home.text
    assert "New campaign" in home.text


def test_sign_up_refuses_a_taken_email_with_a_message(client, user):
    response = client.post(reverse("account_signup"), {
        "email": user.email.upper(), "password1": "a-long-passphrase-1",
        "password2": "a-long-passphrase-1",
    })
    assert response.status_code == 200
    assert "already registered" in response.text
    assert User.objects.count() == 1


def test_sign_in_and_out(client, owner, password):
    response = client.post(reverse("account_login"), {"login": owner.email, "password": password})
    assert response.headers["Location"] == "/app/"
    assert client.get("/app/").status_code == 200
    client.post(reverse("account_logout"))
    assert client.get("/app/").status_code == 302


def test_wrong_password_is_a_clear_message(client, owner):
    response = client.post(reverse("account_login"), {"login": owner.email, "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.text


def test_password_reset_email_leads_to_a_new_password(client, owner):
    client.post(reverse("account_reset_password"), {"email": owner.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body)[0]
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    response = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else path, {
        "password1": "brand-new-passphrase-9", "password2": "brand-new-passphrase-9",
    })
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("brand-new-passphrase-9")


def test_anonymous_builder_visit_goes_to_sign_in(client):
    response = client.get("/app/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_user_without_workspace_is_offered_to_create_one(client, user):
    client.force_login(user)
    assert client.get("/app/").headers["Location"] == reverse("builder:no_workspace")
    client.post(reverse("builder:workspace_new"), {"name": "Side project"})
    assert user.memberships.get().workspace.name == "Side project"
    assert client.get("/app/").status_code == 200


def test_root_redirects_to_the_builder(client):
    assert client.get("/").headers["Location"] == "/app/"
