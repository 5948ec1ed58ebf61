"""CPU seconds of this process's PostgreSQL backend, from /proc when the server runs on this
machine: on a loaded machine CPU time compares runs where wall time cannot (draw.py, export.py)."""

import os
from pathlib import Path


def backend_cpu() -> float | None:
    """None when the database is not PostgreSQL or its backend is not on this machine."""
    from django.db import connection  # the caller has set Django up

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
