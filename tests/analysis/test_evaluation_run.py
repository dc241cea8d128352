"""Replaying prompts on candidates through a real HTTP client against a local fake OpenAI-compatible server:
what is measured, how the judge is asked, and where the budget stops the run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from analysis.evaluation import Plan, Sample, Target, estimate_cost, run_evaluation
from analysis.evaluation.judging import judge_messages
from analysis.evaluation.replay import JUDGE_PROMPT_TOKENS
from collectors.api.chat import ChatRouter, Endpoint
from tests.fake_openai import FakeOpenAI, Script, fake_openai

FAST, SLOW = Target("local", "fast"), Target("local", "slow")
JUDGE = Target("local", "judge")


def _samples(n: int, *, answered: bool = True) -> tuple[Sample, ...]:
    return tuple(
        Sample(i, ({"role": "user", "content": f"question {i}"},), f"today's answer number {i}" if answered else None)
        for i in range(n)
    )


def _router(server: FakeOpenAI, **kwargs: Any) -> ChatRouter:
    return ChatRouter({"local": Endpoint("local", server.base_url)}, sleep=lambda _: None, **kwargs)


def _prefers(word: str) -> Script:
    """A judge that prefers the answer holding ``word`` (whatever its place), else calls a tie."""

    def verdict(messages: list[dict[str, Any]]) -> str:
        body = messages[-1]["content"]
        a = body.split("<answer_a>")[1].split("</answer_a>")[0]
        b = body.split("<answer_b>")[1].split("</answer_b>")[0]
        if (word in a) == (word in b):
            return "Neither.\nVerdict: tie"
        return "One is better.\nVerdict: " + ("A" if word in a else "B")

    return Script(verdict)


def _pages(cost: float) -> Any:
    def price(target: Target, input_tokens: int, output_tokens: int) -> float | None:
        return cost if target.model != "free" else None

    return price


def test_latency_and_length_come_out_as_scripted() -> None:
    answer = " ".join(["word"] * 21)  # 105 characters against today's 23 or 24
    scripts = {"fast": Script(answer, ttft_s=0.1, chunk_s=0.01), "slow": Script(answer, ttft_s=0.3, chunk_s=0.03)}
    plan = Plan("Support", _samples(6), (FAST, SLOW))
    with fake_openai(scripts) as server, _router(server) as chat:
        result = run_evaluation(plan, chat, _pages(0.0), concurrency=3)
    fast, slow = result.candidates
    assert fast.answers == slow.answers == 6 and not fast.errors
    assert fast.ttft_p50_s is not None and slow.ttft_p50_s is not None
    # Sleeps only overshoot and a busy machine adds more: a lower bound near the script, a loose upper one.
    assert 0.09 <= fast.ttft_p50_s <= 0.1 * 1.5 + 0.25 and 0.27 <= slow.ttft_p50_s <= 0.3 * 1.5 + 0.25
    assert fast.ttft_p50_s < slow.ttft_p50_s
    assert fast.tokens_per_s is not None and slow.tokens_per_s is not None
    assert 0.4 <= fast.tokens_per_s / 100 <= 1.1 and 0.4 <= slow.tokens_per_s / 33.3 <= 1.1
    assert fast.ttft_p95_s is not None and fast.ttft_p95_s >= fast.ttft_p50_s
    today = sum(len(s.response or "") for s in plan.samples)
    assert fast.output_ratio is not None and fast.output_ratio[1] == pytest.approx(6 * len(answer) / today)
    row = fast.as_dict()
    assert set(row) == {
        "host",
        "model",
        "n",
        "wins",
        "ties",
        "losses",
        "win_rate",
        "win_rate_ci",
        "ttft_p50_s",
        "ttft_p95_s",
        "tokens_per_s",
        "output_ratio",
        "cost_usd",
    }
    assert row["wins"] is None and row["win_rate"] is None  # not judged
    assert result.as_dict()["judge"] is None and result.as_dict()["n"] == 6


def test_the_judge_sees_each_pair_twice_in_swapped_order() -> None:
    scripts = {"fast": Script("a good answer"), "judge": _prefers("good")}
    plan = Plan("Support", _samples(4), (FAST,), judge=JUDGE)
    with fake_openai(scripts) as server, _router(server) as chat:
        result = run_evaluation(plan, chat, _pages(0.0))
    asked = server.requests_for("judge")
    assert len(asked) == 2 * 4
    for sample in plan.samples:
        assert sample.response is not None
        first = judge_messages(sample.messages, sample.response, "a good answer")
        second = judge_messages(sample.messages, "a good answer", sample.response)
        seen = [r.messages for r in asked if f"question {sample.id}" in r.messages[-1]["content"]]
        assert seen == [first, second]  # today's answer first, then the candidate's first
    counts = result.candidates[0].tally
    assert counts is not None and (counts.wins, counts.ties, counts.losses) == (4, 0, 0)
    assert result.as_dict()["judge"] == "local/judge"
    assert result.candidates[0].as_dict()["win_rate_ci"] == pytest.approx([0.5101, 1.0], abs=1e-4)


def test_a_judge_that_prefers_a_position_yields_ties() -> None:
    scripts = {"fast": Script("an answer"), "judge": Script("Verdict: A")}
    plan = Plan("Support", _samples(5), (FAST,), judge=JUDGE)
    with fake_openai(scripts) as server, _router(server) as chat:
        result = run_evaluation(plan, chat, _pages(0.0))
    counts = result.candidates[0].tally
    assert counts is not None and (counts.wins, counts.ties, counts.losses, counts.win_rate) == (0, 5, 0, 0.5)


def test_todays_model_is_replayed_where_the_log_kept_no_answer() -> None:
    scripts = {"today": Script("exact label"), "fast": Script("Exact label."), "slow": Script("other label")}
    plan = Plan("Triage", _samples(3, answered=False), (FAST, SLOW), incumbent=Target("local", "today"), check="exact")
    with fake_openai(scripts) as server, _router(server) as chat:
        result = run_evaluation(plan, chat, _pages(0.0))
    assert len(server.requests_for("today")) == 3 and result.references == 3
    fast, slow = (c.tally for c in result.candidates)
    assert fast is not None and (fast.ties, fast.losses, fast.win_rate) == (3, 0, 0.5)
    assert slow is not None and (slow.ties, slow.losses, slow.win_rate) == (0, 3, 0.0)
    # A check's interval is half the match rate's: 3 of 3 matching is Wilson's (0.43850, 1) halved.
    assert fast.interval == pytest.approx((0.43850 / 2, 0.5), abs=1e-4)
    assert result.as_dict()["judge"] == "exact match"


def test_the_budget_stops_the_run() -> None:
    # Each prompt costs 1¢ on each candidate: a 5¢ budget pays for five of the twenty.
    plan = Plan("Support", _samples(10), (FAST, SLOW))
    with fake_openai({"fast": Script("x y"), "slow": Script("x y")}) as server, _router(server) as chat:
        result = run_evaluation(plan, chat, _pages(0.01), budget_usd=0.05, concurrency=1)
    assert result.stopped_by_budget
    assert len(server.requests) == 5 and result.spent_usd == pytest.approx(0.05)
    # Sample by sample, every candidate in turn: the stopped run has replayed about as many on each.
    assert [c.answers for c in result.candidates] == [3, 2]
    assert result.candidates[0].as_dict()["cost_usd"] == pytest.approx(0.03)
    # Unpriced targets (a local server) cost the budget nothing.
    free = Plan("Support", _samples(4), (Target("local", "free"),))
    with fake_openai({"free": Script("x")}) as server, _router(server) as chat:
        unpriced = run_evaluation(free, chat, _pages(0.01), budget_usd=0.0)
    assert not unpriced.stopped_by_budget and unpriced.candidates[0].answers == 4
    assert unpriced.candidates[0].as_dict()["cost_usd"] is None


def test_429s_are_retried_and_a_failing_candidate_does_not_stop_the_others() -> None:
    scripts = {
        "fast": Script("fine", fail_first=[429, 429], retry_after="0"),
        "slow": Script("never", fail_first=[500] * 100, retry_after="0"),
    }
    plan = Plan("Support", _samples(3), (FAST, SLOW))
    with fake_openai(scripts) as server, _router(server, attempts=3) as chat:
        result = run_evaluation(plan, chat, _pages(0.0), concurrency=1)
    fast, slow = result.candidates
    assert fast.answers == 3 and not fast.errors
    assert server.failures.count(("fast", 429)) == 2  # the third try of the first prompt got through
    assert slow.answers == 0 and len(slow.errors) == 3 and "gave up after 3 attempts" in slow.errors[0]
    assert slow.as_dict()["ttft_p50_s"] is None


def test_the_cost_is_estimated_before_anything_runs() -> None:
    calls: list[tuple[str, int, int]] = []

    def price(target: Target, input_tokens: int, output_tokens: int) -> float | None:
        calls.append((target.model, input_tokens, output_tokens))
        return None if target.model == "slow" else 0.001

    # "question 0": 10 characters = 3 tokens + 4 for the message; today's answer, 23 characters = 6 tokens.
    samples = (Sample(0, ({"role": "user", "content": "question 0"},), "today's answer number 0"),)
    estimate = estimate_cost(Plan("Support", samples, (FAST, SLOW), judge=JUDGE), price)
    assert [(what, n) for what, n, _ in estimate.lines] == [
        ("local/fast", 1),
        ("local/slow", 1),
        ("judge (local/judge)", 4),
    ]
    assert estimate.unpriced == ["local/slow"] and estimate.total_usd == pytest.approx(0.001 + 4 * 0.001)
    assert ("fast", 7, 6) in calls and ("judge", 7 + 12 + JUDGE_PROMPT_TOKENS, 60) in calls


def test_a_plan_needs_samples_and_candidates() -> None:
    from db.errors import InvalidInput

    with pytest.raises(InvalidInput, match="has no prompt samples"):
        Plan("Support", (), (FAST,))
    with pytest.raises(InvalidInput, match="at least one candidate"):
        Plan("Support", _samples(1), ())
    with pytest.raises(InvalidInput, match="not both"):
        Plan("Support", _samples(1), (FAST,), judge=JUDGE, check="exact")


class _Recorder:
    """A chat that answers at once, for checking what is sent where without a server."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, int | None]] = []

    def __call__(
        self, host: str, model: str, messages: Sequence[Mapping[str, str]], *, max_tokens: int | None = None
    ) -> Any:
        from collectors.api.chat import Completion

        self.sent.append((host, model, max_tokens))
        return Completion("ok", 0.1, 0.2, 5, 2)


def test_answers_are_bounded_by_a_multiple_of_todays_length() -> None:
    chat = _Recorder()
    long_answer = "x" * 4000  # 1,000 tokens: up to 4,000 from the candidate
    samples = (Sample(9, ({"role": "user", "content": "q"},), long_answer), *_samples(1))
    run_evaluation(Plan("Support", samples, (FAST,)), chat, _pages(0.0), concurrency=1)
    assert [limit for _, _, limit in chat.sent] == [4000, 1024]


def test_a_rejected_key_for_todays_model_leaves_latency_only_and_says_why() -> None:
    scripts = {"today": Script("x", fail_first=[401] * 10), "fast": Script("an answer")}
    plan = Plan("Support", _samples(3, answered=False), (FAST,), incumbent=Target("home", "today"), check="exact")
    with fake_openai(scripts) as server:
        endpoints = {host: Endpoint(host, server.base_url) for host in ("local", "home")}
        with ChatRouter(endpoints, sleep=lambda _: None) as chat:
            result = run_evaluation(plan, chat, _pages(0.0), concurrency=1)
    assert len(server.requests_for("today")) == 1  # the rest are not sent once the key is refused
    [note] = result.notes
    assert note.startswith("3 of 3 prompts have no answer of today's model") and "key was rejected" in note
    fast = result.candidates[0]
    assert fast.answers == 3 and fast.ttft_p50_s is not None and fast.output_ratio is None
    assert fast.tally is not None and fast.tally.n == 0 and fast.as_dict()["win_rate"] is None


class _Crowd:
    """A chat that holds each call until ``expected`` calls are in flight together (or a while has passed), and
    counts the most there ever were."""

    def __init__(self, expected: int) -> None:
        import threading

        self.expected = expected
        self.in_flight = self.most = 0
        self._lock = threading.Lock()
        self._full = threading.Event()

    def __call__(
        self, host: str, model: str, messages: Sequence[Mapping[str, str]], *, max_tokens: int | None = None
    ) -> Any:
        from collectors.api.chat import Completion

        with self._lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            if self.in_flight >= self.expected:
                self._full.set()
        # Not a timing: a bound that is never reached lets the calls go after the wait, and the count says so.
        self._full.wait(timeout=5)
        with self._lock:
            self.in_flight -= 1
        return Completion("ok", 0.1, 0.2, 5, 2)


def test_no_more_prompts_are_in_flight_than_the_concurrency_allows() -> None:
    chat = _Crowd(3)
    result = run_evaluation(Plan("Support", _samples(12), (FAST, SLOW)), chat, _pages(0.0), concurrency=3)
    assert chat.most == 3 and result.candidates[0].answers == result.candidates[1].answers == 12
