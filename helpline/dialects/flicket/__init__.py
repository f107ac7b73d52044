"""Flicket's REST API (``/flicket-api/``, JSON, bearer tokens from ``POST /tokens``) over
Helpline's services. See docs/API.md, "Flicket API"."""
