"""JSON rendering: timestamps always as Zammad writes them (``2019-03-08T19:47:02.323Z``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from helpline.api.schemas.common import format_timestamp


class Encoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return format_timestamp(o)
        if isinstance(o, date):
            return o.isoformat()
        return super().default(o)


class Renderer(JSONRenderer):
    encoder_class = Encoder
