"""The session cookie: Flask's signed cookie, each one checked once (docs/performance.md)."""

from __future__ import annotations

import time

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per set of keys, and
    each cookie's signature checked once.

    Flask makes a new serializer at every request, and itsdangerous's constructor serializes an
    empty session to test the serializer it is given: about 12 µs of every request (profile in
    docs/performance.md). The serializer keeps nothing between calls, so one per set of keys
    signs and checks exactly as a new one would; a change of SECRET_KEY or of its fallbacks
    makes a new one.

    A session cookie changes only when the session does, so a learner sends the same one with
    request after request, and checking and decoding it again was about 80 µs of each. A cookie
    that passed the check is remembered with the time it was signed: the same string is the same
    signed content, and its age is still checked at every request, as itsdangerous does. Only
    sessions of plain values (strings, numbers) are remembered: each request gets its own copy,
    which a view may change without touching the remembered one."""

    MAX_REMEMBERED = 4096

    def __init__(self) -> None:
        self._made: tuple = ((), None)
        self._opened: dict[str, tuple[dict, int]] = {}

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made_for, serializer = self._made
        if made_for != keys:
            serializer = super().get_signing_serializer(app)
            self._made, self._opened = (keys, serializer), {}
        return serializer

    def open_session(self, app: Flask, request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        opened = self._opened.get(cookie)
        if opened is None:
            try:
                data, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            opened = (data, int(signed.timestamp()))
            if all(type(value) in _PLAIN for value in data.values()):
                if len(self._opened) >= self.MAX_REMEMBERED:
                    self._opened.clear()
                self._opened[cookie] = opened
        elif not 0 <= int(time.time()) - opened[1] <= max_age:
            return self.session_class()
        return self.session_class(opened[0])


_PLAIN = (str, int, float, bool, type(None))
