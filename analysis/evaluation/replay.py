"""Replaying a workload's prompts on candidates: measure, judge, and keep within the budget.

The run does I/O only through what it is given: ``chat`` sends messages to a model on a host and streams the
answer back (``collectors.api.chat.ChatRouter`` in the CLI, a fake server in the tests), ``price`` says what
a call cost. For every sample prompt and candidate it:

1. sends the prompt and measures the answer: time to first token, decode speed, length;
2. compares the answer with today's — the logged one, or today's model's replayed first where the log kept
   none — by a judge model, twice with the answers' places swapped, or by a check (exact match, JSON
   structure; :mod:`analysis.evaluation.judging`);
3. adds what the calls cost.

**Budget.** Before a prompt is sent its calls' estimated cost is reserved; a prompt whose reservation would
take the run past the budget is not sent, and nothing after it either: the run stops at the budget. Prompts
go out sample by sample, every candidate in turn, so a run stopped early has replayed about as many prompts
on each candidate. The estimate counts about four characters a token; what a call really cost (from the
token counts the host reports) replaces it when the call returns, so the run can overshoot the budget only
by what the calls in flight spend beyond their estimate. A host without a price costs nothing to the budget
(a local server); the estimate says which are unpriced.

**Concurrency** is bounded (``concurrency`` prompts in flight; each prompt's calls run one after another).
**Failures**: a call that fails for good is counted against its candidate and the run goes on; a rejected
key stops every later call to that host.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from typing import Protocol

from analysis.evaluation.judging import CHECKS, check_answer, judge_messages, judged, parse_verdict
from analysis.evaluation.samples import Sample
from analysis.evaluation.statistics import Tally, combine_orders, decode_rate, length_ratio, percentile, tally
from db.errors import InvalidInput, ProviderError
from pricing.identity import provider_id

__all__ = [
    "CandidateResult",
    "Chat",
    "CostEstimate",
    "EvaluationResult",
    "Plan",
    "Pricer",
    "Reply",
    "Target",
    "answer_limit",
    "cost_words",
    "estimate_cost",
    "estimate_tokens",
    "parse_target",
    "run_evaluation",
]

# Four characters a token is the usual rule for English text on the common tokenizers; an estimate only.
CHARS_PER_TOKEN = 4
# Per message, the chat template's own tokens (role markers, separators).
MESSAGE_OVERHEAD_TOKENS = 4
# Today's answer length where neither the sample nor the workload's traffic says.
DEFAULT_ANSWER_TOKENS = 400
# The judge's instructions and labels around the conversation, and its reason and verdict line.
JUDGE_PROMPT_TOKENS = 250
JUDGE_ANSWER_TOKENS = 60
# A judge model that reasons first needs room for it; a verdict line needs little.
JUDGE_MAX_TOKENS = 2048
# A candidate may answer at most this many times today's length, within these bounds: enough for a more
# verbose model to finish, bounded so that one runaway answer cannot spend the budget.
ANSWER_LIMIT_FACTOR = 4
ANSWER_LIMIT_TOKENS = (1024, 8192)


class Reply(Protocol):
    """One streamed answer, as ``collectors.api.chat.Completion`` gives it."""

    @property
    def text(self) -> str: ...
    @property
    def ttft_s(self) -> float | None: ...
    @property
    def total_s(self) -> float: ...
    @property
    def input_tokens(self) -> int | None: ...
    @property
    def output_tokens(self) -> int: ...


class Chat(Protocol):
    """Send ``messages`` to ``model`` on ``host`` and stream the answer (raises ``db.errors.ProviderError``)."""

    def __call__(
        self, host: str, model: str, messages: Sequence[Mapping[str, str]], *, max_tokens: int | None = None
    ) -> Reply: ...


@dataclass(frozen=True, order=True)
class Target:
    """A model on a host, as the price book names them (``host`` a provider id)."""

    host: str
    model: str

    @property
    def label(self) -> str:
        return f"{self.host}/{self.model}"


Pricer = Callable[[Target, int, int], float | None]
"""The cost in USD of one call to a target with that many input and output tokens; None when unpriced."""


def parse_target(text: str, what: str = "candidate") -> Target:
    """``HOST/MODEL`` as a target; the model may hold slashes of its own.

    >>> parse_target("together/meta-llama/Llama-3.3-70B-Instruct-Turbo")
    Target(host='together', model='meta-llama/Llama-3.3-70B-Instruct-Turbo')
    """
    host, _, model = text.strip().partition("/")
    if not host or not model:
        raise InvalidInput(f"{what} {text!r}: give HOST/MODEL, e.g. groq/llama-3.3-70b-versatile")
    return Target(provider_id(host), model)


def estimate_tokens(text: str) -> int:
    """About how many tokens ``text`` is (four characters a token).

    >>> estimate_tokens("x" * 10), estimate_tokens("")
    (3, 0)
    """
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def _prompt_tokens(messages: Sequence[Mapping[str, str]]) -> int:
    return sum(estimate_tokens(m["content"]) + MESSAGE_OVERHEAD_TOKENS for m in messages)


def answer_limit(today_tokens: float) -> int:
    """The most tokens a candidate may answer with, for today's answer of ``today_tokens``.

    >>> answer_limit(100), answer_limit(600), answer_limit(5000)
    (1024, 2400, 8192)
    """
    low, high = ANSWER_LIMIT_TOKENS
    return int(min(high, max(low, ANSWER_LIMIT_FACTOR * today_tokens)))


@dataclass(frozen=True)
class Plan:
    """What to replay: the workload's ``samples`` on each of ``candidates``, judged by ``judge`` (a model) or
    by ``check`` (a key of :data:`analysis.evaluation.judging.CHECKS`), or not at all. ``incumbent`` is
    today's model, replayed for samples the log kept no answer for; ``answer_tokens`` is today's typical
    answer length (the workload's output tokens a request), for estimates."""

    workload: str
    samples: tuple[Sample, ...]
    candidates: tuple[Target, ...]
    incumbent: Target | None = None
    judge: Target | None = None
    check: str | None = None
    answer_tokens: float | None = None

    def __post_init__(self) -> None:
        if not self.candidates:
            raise InvalidInput("name at least one candidate (--candidate HOST/MODEL)")
        if not self.samples:
            raise InvalidInput(
                f"workload {self.workload!r} has no prompt samples: keep some with `exitplan ingest FILE "
                "--keep-prompts N` or add a file with `exitplan samples add FILE --workload NAME`"
            )
        if self.check is not None and self.check not in CHECKS:
            raise InvalidInput(f"no check named {self.check!r}; checks: {', '.join(CHECKS)}")
        if self.judge is not None and self.check is not None:
            raise InvalidInput("judge by a model or by a check, not both")

    @property
    def judged_by(self) -> str | None:
        """Who judges: the judge model's label, the check's name, or None."""
        if self.judge is not None:
            return self.judge.label
        return CHECKS[self.check] if self.check is not None else None

    def today_tokens(self, sample: Sample) -> float:
        if sample.response:
            return float(estimate_tokens(sample.response))
        return self.answer_tokens or DEFAULT_ANSWER_TOKENS


def cost_words(usd: float | None) -> str:
    """A replay's cost as a reader sees it: a call costs fractions of a cent, and a priced call is never
    shown as $0.00.

    >>> cost_words(None), cost_words(0.0), cost_words(0.0000028), cost_words(0.00123), cost_words(1234.5)
    ('no price', '$0.00', 'under $0.0001', '$0.0012', '$1,234.50')
    """
    if usd is None:
        return "no price"
    if 0 < usd < 0.0001:
        return "under $0.0001"
    return f"${usd:,.4f}" if 0 < usd < 0.01 else f"${usd:,.2f}"


@dataclass(frozen=True)
class CostEstimate:
    """What a run is expected to cost: a line per kind of call (what, how many calls, USD or None where the
    target has no price) and the priced total."""

    lines: tuple[tuple[str, int, float | None], ...]

    @property
    def total_usd(self) -> float:
        return sum(usd for _, _, usd in self.lines if usd is not None)

    @property
    def unpriced(self) -> list[str]:
        return [what for what, _, usd in self.lines if usd is None]


def _call_costs(plan: Plan, sample: Sample, candidate: Target, price: Pricer) -> tuple[float | None, float | None]:
    """The estimated cost of replaying ``sample`` on ``candidate``, and of judging the answer twice."""
    prompt, answer = _prompt_tokens(sample.messages), plan.today_tokens(sample)
    call = price(candidate, prompt, math.ceil(answer))
    judging: float | None = 0.0
    if plan.judge is not None:
        one = price(plan.judge, prompt + math.ceil(2 * answer) + JUDGE_PROMPT_TOKENS, JUDGE_ANSWER_TOKENS)
        judging = None if one is None else 2 * one
    return call, judging


def _add(total: float | None, part: float | None) -> float | None:
    return None if total is None or part is None else total + part


def estimate_cost(plan: Plan, price: Pricer) -> CostEstimate:
    """The run's cost before anything is sent, by kind of call."""
    lines: list[tuple[str, int, float | None]] = []
    missing = [s for s in plan.samples if not s.response]
    if missing and plan.incumbent is not None:
        cost: float | None = 0.0
        for sample in missing:
            answer = math.ceil(plan.today_tokens(sample))
            cost = _add(cost, price(plan.incumbent, _prompt_tokens(sample.messages), answer))
        lines.append((f"today's answers ({plan.incumbent.label})", len(missing), cost))
    judge_cost: float | None = 0.0
    for candidate in plan.candidates:
        cost = 0.0
        for sample in plan.samples:
            call, judging = _call_costs(plan, sample, candidate, price)
            cost, judge_cost = _add(cost, call), _add(judge_cost, judging)
        lines.append((candidate.label, len(plan.samples), cost))
    if plan.judge is not None:
        lines.append((f"judge ({plan.judge.label})", 2 * len(plan.samples) * len(plan.candidates), judge_cost))
    return CostEstimate(tuple(lines))


class _Budget:
    """Money reserved for calls in flight and spent on calls returned, against an optional limit."""

    def __init__(self, limit_usd: float | None) -> None:
        self.limit = limit_usd
        self.spent = 0.0
        self._reserved = 0.0
        self._lock = threading.Lock()

    def reserve(self, amount: float) -> bool:
        with self._lock:
            if self.limit is not None and self.spent + self._reserved + amount > self.limit:
                return False
            self._reserved += amount
            return True

    def settle(self, reserved: float, spent: float) -> None:
        with self._lock:
            self._reserved -= reserved
            self.spent += spent


@dataclass
class CandidateResult:
    """What replaying the samples on one candidate measured: answers, verdicts, timings, lengths and cost."""

    target: Target
    judged: bool
    checked: bool = False  # judged by a check (exact match, JSON structure), not a judge model
    verdicts: list[str] = field(default_factory=list)
    ttfts: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    lengths: list[tuple[int, int]] = field(default_factory=list)  # (the candidate's, today's) in characters
    answers: int = 0
    cost_usd: float = 0.0
    priced: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def tally(self) -> Tally | None:
        return tally(self.verdicts, by_check=self.checked) if self.judged else None

    @property
    def ttft_p50_s(self) -> float | None:
        return percentile(self.ttfts, 50)

    @property
    def ttft_p95_s(self) -> float | None:
        return percentile(self.ttfts, 95)

    @property
    def tokens_per_s(self) -> float | None:
        """The median decode speed of the answers (a few stalled streams do not drag it down)."""
        return percentile(self.rates, 50)

    @property
    def output_ratio(self) -> tuple[float, float, float] | None:
        """(low, ratio, high): the answers' length against today's, with its 95% interval."""
        if not self.lengths:
            return None
        return length_ratio([c for c, _ in self.lengths], [t for _, t in self.lengths])

    def as_dict(self) -> dict[str, object]:
        counts, ratio = self.tally, self.output_ratio
        interval = counts.interval if counts is not None else None
        return {
            "host": self.target.host,
            "model": self.target.model,
            "n": self.answers,
            "wins": counts.wins if counts is not None else None,
            "ties": counts.ties if counts is not None else None,
            "losses": counts.losses if counts is not None else None,
            "win_rate": _round(counts.win_rate if counts is not None else None, 4),
            "win_rate_ci": [round(interval[0], 4), round(interval[1], 4)] if interval is not None else None,
            "ttft_p50_s": _round(self.ttft_p50_s, 4),
            "ttft_p95_s": _round(self.ttft_p95_s, 4),
            "tokens_per_s": _round(self.tokens_per_s, 2),
            "output_ratio": _round(ratio[1] if ratio is not None else None, 4),
            "cost_usd": round(self.cost_usd, 6) if self.priced else None,
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


@dataclass
class EvaluationResult:
    """The run: per candidate what it measured, whether the budget stopped it, what it spent, and how many
    samples had today's answer to compare with."""

    plan: Plan
    candidates: list[CandidateResult]
    stopped_by_budget: bool = False
    spent_usd: float = 0.0
    references: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The JSON of ``exitplan evaluate --json``."""
        return {
            "workload": self.plan.workload,
            "n": len(self.plan.samples),
            "judge": self.plan.judged_by,
            "candidates": [c.as_dict() for c in self.candidates],
        }


@dataclass(frozen=True)
class _Answer:
    """A returned call, or why there is none; ``cost`` is None when the target is unpriced."""

    reply: Reply | None
    cost: float | None = 0.0
    error: str | None = None


class _Run:
    """One evaluation run's shared state: the budget, the hosts whose key was rejected, the results."""

    def __init__(self, plan: Plan, chat: Chat, price: Pricer, budget: _Budget) -> None:
        self.plan, self.chat, self.price, self.budget = plan, chat, price, budget
        self.rejected: dict[str, str] = {}
        self.lock = threading.Lock()

    def call(self, target: Target, messages: Sequence[Mapping[str, str]], max_tokens: int | None) -> _Answer:
        with self.lock:
            refused = self.rejected.get(target.host)
        if refused is not None:
            return _Answer(None, error=refused)
        try:
            reply = self.chat(target.host, target.model, messages, max_tokens=max_tokens)
        except ProviderError as exc:
            if getattr(exc, "status", None) in (401, 403):
                with self.lock:
                    self.rejected.setdefault(target.host, str(exc))
            return _Answer(None, error=str(exc))
        tokens_in = reply.input_tokens if reply.input_tokens is not None else _prompt_tokens(messages)
        return _Answer(reply, self.price(target, tokens_in, reply.output_tokens))

    def judge(self, sample: Sample, today: str, answer: str) -> tuple[str | None, list[_Answer]]:
        """The verdict on ``answer`` against ``today``, judged in both orders (None if a judgement failed)."""
        assert self.plan.judge is not None
        calls = []
        verdicts = []
        for first, second, candidate_is in ((today, answer, "B"), (answer, today, "A")):
            done = self.call(self.plan.judge, judge_messages(sample.messages, first, second), JUDGE_MAX_TOKENS)
            calls.append(done)
            if done.reply is None:
                return None, calls
            verdicts.append(judged(parse_verdict(done.reply.text), candidate_is))
        return combine_orders(*verdicts), calls


def _bounded(
    jobs: Iterable[tuple[float, Callable[[], None]]],
    budget: _Budget,
    concurrency: int,
    on_done: Callable[[], None],
) -> bool:
    """Run ``jobs`` (estimated cost, work) at most ``concurrency`` at a time, each only once its cost is
    reserved; stop submitting at the first that cannot be. ``on_done`` hears of each finished job on the
    caller's thread (a page's progress bar can only be drawn from there). True when the budget stopped them."""
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        pending: set[Future[None]] = set()
        stopped = False
        for estimate, job in jobs:
            if not budget.reserve(estimate):
                stopped = True
                break
            pending.add(pool.submit(job))
            if len(pending) >= concurrency:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # a bug in a job is raised here, not lost
                    on_done()
        for future in as_completed(pending):
            future.result()
            on_done()
    return stopped


def run_evaluation(
    plan: Plan,
    chat: Chat,
    price: Pricer,
    *,
    budget_usd: float | None = None,
    concurrency: int = 4,
    on_progress: Callable[[int, int], None] | None = None,
) -> EvaluationResult:
    """Replay ``plan`` through ``chat``, paying ``price``, within ``budget_usd`` (None: no limit);
    ``on_progress(done, total)`` hears of every prompt finished, on the caller's thread."""
    if concurrency < 1:
        raise InvalidInput("--concurrency must be at least 1")
    if budget_usd is not None and budget_usd < 0:
        raise InvalidInput("--budget-usd cannot be negative")
    budget = _Budget(budget_usd)
    run = _Run(plan, chat, price, budget)
    today: dict[int, str] = {s.id: s.response for s in plan.samples if s.response}
    missing = [s for s in plan.samples if not s.response] if plan.incumbent is not None else []
    total = len(missing) + len(plan.samples) * len(plan.candidates)
    progress = {"done": 0}
    notes: list[str] = []
    failures: list[str] = []  # the first failure to replay today's model, to say why

    def finished() -> None:
        progress["done"] += 1
        if on_progress is not None:
            on_progress(progress["done"], total)

    def replay_today(sample: Sample, reserved: float) -> Callable[[], None]:
        def job() -> None:
            assert plan.incumbent is not None
            answer = run.call(plan.incumbent, sample.messages, answer_limit(plan.today_tokens(sample)))
            budget.settle(reserved, answer.cost or 0.0)
            with run.lock:
                if answer.reply is not None and answer.reply.text:
                    today[sample.id] = answer.reply.text
                elif answer.error and not failures:
                    failures.append(answer.error)

        return job

    def today_jobs() -> Iterator[tuple[float, Callable[[], None]]]:
        assert plan.incumbent is not None
        for sample in missing:
            answer = math.ceil(plan.today_tokens(sample))
            estimate = price(plan.incumbent, _prompt_tokens(sample.messages), answer) or 0.0
            yield estimate, replay_today(sample, estimate)

    stopped = _bounded(today_jobs(), budget, concurrency, finished) if missing else False
    if len(today) < len(plan.samples):
        why = f" ({failures[0]})" if failures else ""
        notes.append(
            f"{len(plan.samples) - len(today)} of {len(plan.samples)} prompts have no answer of today's model "
            f"to compare with{why}: they measure latency only"
        )
    checked = plan.judge is None and plan.check is not None
    results = {c: CandidateResult(c, judged=plan.judged_by is not None, checked=checked) for c in plan.candidates}

    def replay(sample: Sample, candidate: Target, reserved: float) -> Callable[[], None]:
        def job() -> None:
            spent: list[float | None] = []
            limit = answer_limit(plan.today_tokens(sample))
            answer = run.call(candidate, sample.messages, limit)
            spent.append(answer.cost)
            verdict = None
            reply = answer.reply
            reference = today.get(sample.id)
            if reply is not None and reference:
                if plan.judge is not None:
                    verdict, calls = run.judge(sample, reference, reply.text)
                    spent += [c.cost for c in calls]
                    errors = [c.error for c in calls if c.error]
                else:
                    verdict = check_answer(plan.check, reply.text, reference) if plan.check else None
                    errors = []
            else:
                errors = [answer.error] if answer.error else []
            budget.settle(reserved, sum(c for c in spent if c is not None))
            with run.lock:
                result = results[candidate]
                result.errors += errors
                result.cost_usd += sum(c for c in spent if c is not None)
                result.priced |= any(c is not None for c in spent)
                if reply is not None:
                    result.answers += 1
                    if reply.ttft_s is not None:
                        result.ttfts.append(reply.ttft_s)
                    rate = decode_rate(reply.output_tokens, reply.ttft_s, reply.total_s)
                    if rate is not None:
                        result.rates.append(rate)
                    if reference:
                        result.lengths.append((len(reply.text), len(reference)))
                if verdict is not None:
                    result.verdicts.append(verdict)

        return job

    def candidate_jobs() -> Iterator[tuple[float, Callable[[], None]]]:
        # Sample by sample, every candidate in turn: a run the budget stops has replayed about as many
        # prompts on each.
        for sample in plan.samples:
            for candidate in plan.candidates:
                call, judging = _call_costs(plan, sample, candidate, price)
                estimate = (call or 0.0) + (judging or 0.0)
                yield estimate, replay(sample, candidate, estimate)

    if not stopped:
        stopped = _bounded(candidate_jobs(), budget, concurrency, finished)
    return EvaluationResult(
        plan,
        [results[c] for c in plan.candidates],
        stopped_by_budget=stopped,
        spent_usd=budget.spent,
        references=len(today),
        notes=notes,
    )
