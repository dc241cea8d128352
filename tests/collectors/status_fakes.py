"""A status page for ``httpx.MockTransport``: no test touches the network."""

from __future__ import annotations

import httpx


class FakeStatusPage:
    """A status page for ``httpx.MockTransport``: answers each request with the next of ``answers`` (the
    last one repeats); an exception is raised as the transport would."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self), follow_redirects=True)


def no_sleep(seconds: float) -> None:
    pass
