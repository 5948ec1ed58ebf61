"""Published versions, loaded once per process: a version never changes after publishing."""

from functools import lru_cache

from campaigns import flow
from campaigns.models import CampaignVersion


@lru_cache(maxsize=512)
def definition_for(version_id: int) -> flow.Definition:
    document = CampaignVersion.objects.values_list("definition", flat=True).get(pk=version_id)
    return flow.load(document)
