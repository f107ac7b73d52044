"""A real S3-compatible server for tests: moto's server, in a thread of this process,
answering the S3 HTTP protocol on a loopback port. Helpline and the tests reach it the way
they reach any S3 server, over HTTP with boto3; nothing in boto3 is patched."""

from __future__ import annotations

import http.client
import logging
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import boto3
from botocore.config import Config

ACCESS_KEY = "helpline-test-key"
SECRET_KEY = "helpline/test+secret"  # a '/' and a '+', as real secrets have
REGION = "eu-west-3"


class S3Server:
    """moto's ThreadedMotoServer on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.port = 0

    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request
        self._server.start()
        self.port = self._server.get_host_and_port()[1]

    def stop(self) -> None:
        self._server.stop()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}),
        )

    def new_bucket(self, prefix: str = "") -> Bucket:
        name = f"helpline-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return Bucket(self, name, prefix)


@dataclass
class Bucket:
    server: S3Server
    name: str
    prefix: str = ""

    @property
    def url(self) -> str:
        """The bucket as ``HELPLINE_STORAGE_URL`` names it (the secret percent-encoded)."""
        path = f"{self.name}/{self.prefix}" if self.prefix else self.name
        return (
            f"s3://{ACCESS_KEY}:{quote(SECRET_KEY, safe='')}@127.0.0.1:{self.server.port}/"
            f"{path}?region={REGION}&tls=0"
        )

    def keys(self) -> list[str]:
        """Every object key in the bucket, sorted (prefix included)."""
        pages = self.server.client().get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def get(self, key: str) -> bytes:
        """An object's bytes (``KeyError`` when there is no such object)."""
        client = self.server.client()
        try:
            answer = client.get_object(Bucket=self.name, Key=key)
        except client.exceptions.NoSuchKey:
            raise KeyError(key) from None
        return bytes(answer["Body"].read())

    def anonymous_status(self, key: str) -> int:
        """The HTTP status of a plain GET without credentials (403: the object is private)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.request("GET", f"/{self.name}/{quote(key)}")
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        return response.status
