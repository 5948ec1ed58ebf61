"""Follow-up emails: the outbox, rendering with merge tags, unsubscribes, resume links, reminders.

`outbox.email_queue` writes rows in the caller's transaction and sends the task on commit;
`outbox.email_send` (run by the worker) claims a row, renders it and hands it to Django's mail
backend. `render` fills merge tags through the flow engine's safe substitution, never a template
engine. `unsubscribe` signs the one-click links and keeps the per-workspace suppression list.
"""
