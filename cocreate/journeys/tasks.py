"""Background jobs for journeys: thin, they call services or send mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from cocreate.brand.selectors import organization_get

from .models import Contribution


@task()
def send_contribution_confirmation(contribution_id: int, key: str) -> None:
    """Ask a visitor to confirm the address they left in a widget; the contribution counts once they do."""
    contribution = Contribution.objects.select_related("point").filter(pk=contribution_id).first()
    if contribution is None or not contribution.email:
        return
    org = organization_get()
    context = {
        "contribution": contribution,
        "point": contribution.point,
        "brand": org,
        "confirm_url": f"{settings.PUBLIC_URL}/w/confirm/{key}/",
    }
    send_mail(
        subject=f"[{org.name}] " + render_to_string("journeys/email/confirm_subject.txt", context).strip(),
        message=render_to_string("journeys/email/confirm_body.txt", context),
        from_email=None,
        recipient_list=[contribution.email],
    )
