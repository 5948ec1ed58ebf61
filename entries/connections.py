"""Surviving a database that dropped this process's connection (a restart, a failover,
`pg_terminate_backend`): the next statement finds the connection dead, and one reconnect is all
it should cost.

Django checks a kept connection before a request's first query (CONN_HEALTH_CHECKS) and workers
check theirs before each task (config/celery.py); `once_more_if_dropped` covers the statement
that finds the connection dead anyway, where running it again is safe.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection

T = TypeVar("T")


def once_more_if_dropped(run: Callable[[], T]) -> T:
    """`run()`, and once more on a fresh connection if it failed because the connection is dead.

    Only outside a transaction: inside one the drop lost the transaction's earlier work, which
    its caller must redo. Only for `run`s that are safe to repeat: reads, and writes that apply
    on a condition a first, committed try no longer meets.
    """
    try:
        return run()
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block or connection.is_usable():
            raise  # the statement failed, not the connection
        connection.close()
        return run()
