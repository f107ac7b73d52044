"""Django authentication backend: login (case-insensitive) or email, active users only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from helpline.core.models import User


class LoginOrEmailBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        from helpline.core.services.users import check_credentials

        if username is None:
            username = kwargs.get("login")
        if not username or password is None:
            return None
        return check_credentials(username, password)

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.filter(pk=user_id, active=True).first()
        return user
