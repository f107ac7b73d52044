"""Per-request language: a signed-in user's choice, else the guest's cookie or browser."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from helpline.core import rules


class UserLanguageMiddleware:
    """Signed-in users read Helpline in the language kept in their preferences
    (``preferences["locale"]``, Zammad's key). Guests keep what Django's LocaleMiddleware
    chose before this: the language cookie set by the language switcher, else the browser's
    Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = rules.language_of((user.preferences or {}).get("locale"))
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
