from celery import shared_task

from entries.models import Export
from entries.services import exports, retention


@shared_task(acks_late=True)
def export_run(export_id: int) -> None:
    export = Export.objects.select_related("campaign").filter(pk=export_id).first()
    if export is not None:
        exports.export_run(export=export)


@shared_task
def exports_purge_expired() -> int:
    return exports.exports_purge_expired()


@shared_task
def retention_purge() -> dict:
    return retention.retention_purge_all()
