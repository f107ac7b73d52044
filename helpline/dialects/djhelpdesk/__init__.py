"""django-helpdesk's legacy API (``/helpdesk/api/<method>/``, form POSTs, plain-text or JSON
answers) over Helpline's services. See docs/API.md, "django-helpdesk API"."""
