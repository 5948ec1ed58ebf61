"""Webhooks: events about entries posted to the marketer's own endpoints, never lost or doubled.

- `events`: the event types (one table: name, description, sample payload) and their payloads.
- `endpoints`: the services that create, change and delete endpoints (URLs checked by `addresses`).
- `outbox`: deliveries written in the transaction of the change, sent by a worker, swept by beat.
- `sender`: one signed POST to the address that was checked (no redirects, short timeouts).
"""
