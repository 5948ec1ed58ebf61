"""The REST API at /api/v1/ (django-ninja): one router module per resource, `site.api` mounts
them. Every operation names the key scope it needs (auth.key_auth) and sees only the key's
workspace; writes go through the same services as the builder."""
