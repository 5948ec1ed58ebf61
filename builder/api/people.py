"""One person's data in the key's workspace: all of it as JSON, or erased (logged like the
builder's, by the key's creator)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from builder.api.auth import key_auth, workspace_of
from builder.api.errors import Refused, not_found
from builder.models import ApiScope
from entries.emailaddr import EmailAddressError, parse_email
from entries.services.personal_data import (
    PersonNotFound,
    person_entries,
    person_erase,
    personal_data_export,
)

router = Router(tags=["people"], auth=key_auth(ApiScope.PEOPLE_WRITE))

NOBODY = "No entry in this workspace belongs to that address."


class PersonIn(Schema):
    email: str


class ErasureOut(Schema):
    erased: str  # "2 entries, 5 answers, 9 interactions"
    counts: dict[str, int]


def _address(payload: PersonIn) -> str:
    try:
        return str(parse_email(payload.email))
    except EmailAddressError as error:
        raise Refused(422, error.message) from None


@router.post("/people/export", response=dict[str, Any],
             summary="Everything the workspace holds about one email address")
def person_export(request: HttpRequest, payload: PersonIn):
    email = _address(payload)
    if not person_entries(workspace=workspace_of(request), email=email).exists():
        raise not_found(NOBODY)
    return personal_data_export(workspace=workspace_of(request), email=email)


@router.post("/people/erase", response=ErasureOut,
             summary="Erase every entry of one email address (cannot be undone)")
def person_erase_view(request: HttpRequest, payload: PersonIn):
    try:
        erasure = person_erase(workspace=workspace_of(request), email=_address(payload),
                               by=request.auth.created_by)
    except PersonNotFound:
        raise not_found(NOBODY) from None
    return {"erased": erasure.summary, "counts": erasure.counts}
