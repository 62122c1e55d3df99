"""One HTTP client per service, all alike: the service's pace, retries with backoff on
429 and 5xx honouring ``Retry-After`` (capped), timeouts, and a one-line verdict when the
service is offline or refuses us, so that the run goes on with the other sources.

httpx rather than urllib: a kept-alive connection per service (arXiv asks for one
connection at a time: ``Limits(max_connections=1)``), separate connect and read timeouts,
and errors that tell "unreachable" from "slow" from "cut off". It is imported only when
a source is first asked. The retry loop is ours, not a transport's: a retry waits in the
same schedule as the pace (a ``Retry-After`` pushes the next request back, whichever
lookup makes it), and that schedule runs on a ``Clock`` that tests and the benchmark can
simulate.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .settings import LABELS, ServiceSettings

RETRIES = 4  # after the first try
RETRY_CAP = 60.0  # the longest wait a Retry-After or a backoff gets
BACKOFF_BASE = 0.5  # seconds, doubled at each retry (at least the service's interval)
TIMEOUT = 20.0  # seconds to read an answer
CONNECT_TIMEOUT = 10.0
FAILURES_TO_GIVE_UP = 3  # lookups failing in a row before the source is given up
TIMEOUTS_TO_GIVE_UP = 3  # requests timing out in a row: a hung service costs a minute,
# not five tries of every lookup


class SourceDown(Exception):
    """The service cannot be used this run (offline, refused, not answering)."""


class LookupFailed(Exception):
    """This request failed after its retries; the source may still answer others."""


class Cancelled(Exception):
    """The user cancelled the run."""


class Clock:
    """Real time. ``sleep`` wakes up early to notice a cancel."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, cancelled: Callable[[], bool] | None = None) -> None:
        end = time.monotonic() + seconds
        while True:
            if cancelled is not None and cancelled():
                raise Cancelled()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.1))


class SimulatedClock(Clock):
    """Real time plus the waits, which pass at once: the schedule a run would follow,
    computed without sleeping (the benchmark)."""

    def __init__(self) -> None:
        self.waited = 0.0

    def now(self) -> float:
        return time.monotonic() + self.waited

    def sleep(self, seconds: float, cancelled: Callable[[], bool] | None = None) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()
        self.waited += max(seconds, 0.0)


def user_agent(email: str) -> str:
    from ... import __version__

    return f"reviewer/{__version__}" + (f" (mailto:{email})" if email else "")


class ServiceClient:
    def __init__(self, name: str, settings: ServiceSettings, *, headers: dict[str, str],
                 clock: Clock | None = None, timeout: float = TIMEOUT,
                 cancelled: Callable[[], bool] | None = None):
        self.name = name
        self.label = LABELS.get(name, name)
        self.base = settings.url.rstrip("/")
        self.interval = max(float(settings.interval), 0.0)
        self.headers = headers
        self.clock = clock or Clock()
        self.timeout = timeout
        self.cancelled = cancelled
        self.requests = 0  # HTTP requests sent, retries included
        self.retried = 0
        self.waited = 0.0  # seconds spent waiting for the pace or a retry
        self._http: Any = None
        self._next = 0.0  # the clock time before which no request may start
        self._failures = 0
        self._timeouts = 0

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """The response (an ``httpx.Response``), or None for 404 and 400."""
        return self._send("GET", path, params, None)

    def post(self, path: str, params: dict[str, Any] | None, body: Any) -> Any:
        return self._send("POST", path, params, body)

    def _client(self) -> Any:
        if self._http is None:
            import httpx

            self._http = httpx.Client(
                headers=self.headers, follow_redirects=True,
                timeout=httpx.Timeout(self.timeout, connect=min(CONNECT_TIMEOUT, self.timeout)),
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))
        return self._http

    def _wait_turn(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled()
        wait = self._next - self.clock.now()
        if wait > 0:
            self.waited += wait
            self.clock.sleep(wait, self.cancelled)

    def _send(self, method: str, path: str, params: dict[str, Any] | None, body: Any) -> Any:
        import httpx

        url = self.base + path
        reason = ""
        for attempt in range(RETRIES + 1):
            self._wait_turn()
            self._next = self.clock.now() + self.interval
            self.requests += 1
            if attempt:
                self.retried += 1
            try:
                response = self._client().request(method, url, params=params, json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol,
                    httpx.ProxyError) as exc:
                raise SourceDown(f"{self.label}: offline or unreachable at {self.base} "
                                 f"({_short(exc)}); going on without it") from None
            except httpx.TimeoutException:
                reason = f"no answer within {self.timeout:g} s"
                self._timeouts += 1
                if self._timeouts >= TIMEOUTS_TO_GIVE_UP:
                    raise SourceDown(f"{self.label}: not answering ({reason}, "
                                     f"{self._timeouts} times in a row); going on without "
                                     "it") from None
                self._back_off(attempt, None)
                continue
            except httpx.HTTPError as exc:  # cut off, garbled: worth another try
                reason = _short(exc)
                self._back_off(attempt, None)
                continue
            self._timeouts = 0
            status = response.status_code
            if status in (401, 403, 407):
                hint = " (check s2_api_key in the config)" if self.name == "s2" else ""
                raise SourceDown(f"{self.label}: refused (HTTP {status}){hint}; going on "
                                 "without it")
            if status == 429 or status >= 500:
                reason = f"HTTP {status}"
                self._back_off(attempt, response.headers.get("retry-after"))
                continue
            self._failures = 0
            if status in (400, 404, 410):
                return None  # the service does not know it (or refuses the query)
            return response
        self._failures += 1
        if self._failures >= FAILURES_TO_GIVE_UP:
            raise SourceDown(f"{self.label}: not answering ({reason}, {self._failures} "
                             "lookups in a row); going on without it")
        raise LookupFailed(f"{self.label}: {reason} after {RETRIES + 1} tries")

    def _back_off(self, attempt: int, retry_after: str | None) -> None:
        delay = _retry_after(retry_after, self.clock)
        if delay is None:
            delay = max(BACKOFF_BASE, self.interval) * 2 ** attempt
        self._next = max(self._next, self.clock.now() + min(delay, RETRY_CAP))


def _retry_after(value: str | None, clock: Clock) -> float | None:
    """Seconds from a Retry-After header: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]
