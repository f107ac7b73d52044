"""Endpoints of the native API, one router per domain: parse, call one service, shape."""
