from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from campaigns.models import Invitation
from config.site import site_url


def invitation_email(invitation: Invitation) -> EmailMultiAlternatives:
    context = {
        "invitation": invitation,
        "inviter": invitation.invited_by.display_name if invitation.invited_by else "Someone",
        "accept_url": site_url(reverse("builder:invitation", args=[invitation.token])),
    }
    message = EmailMultiAlternatives(
        subject=f"You're invited to {invitation.workspace.name} on Stepcraft",
        body=render_to_string("campaigns/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("campaigns/email/invitation.html", context), "text/html"
    )
    return message
