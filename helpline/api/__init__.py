"""The native REST API (``/api/v1``), compatible with Zammad's (sold as Aritic Desk)."""
