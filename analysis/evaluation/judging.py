"""Judging a candidate's answer against today's: the pairwise judge's prompt and how its verdict is read,
and the checks that need no judge — an exact match for classification and extraction, the same JSON
structure for structured output.

The judge sees the conversation and two answers labelled A and B and names the better one or a tie. Each
pair is judged twice with the answers' places swapped (:func:`analysis.evaluation.statistics.combine_orders`
makes a disagreement a tie), because judge models favour a position — the first answer, often. A verdict
the judge does not state in the form asked for counts as a tie: it is no evidence either way.

A check compares with today's answer as the reference: matching it is as good as today (a tie), missing it
is a loss, and nothing is better than the reference (no win). With ties counted half, a candidate that matches
on every prompt has a win rate of 50% — parity — and one that matches on 90% of them, 45%: the quality floor
reads the same as for a judge.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from analysis.evaluation.statistics import LOSS, TIE, WIN

__all__ = [
    "CHECKS",
    "JUDGE_INSTRUCTIONS",
    "check_answer",
    "judge_messages",
    "judged",
    "parse_verdict",
    "same_answer",
    "same_json_structure",
]

CHECKS = {"exact": "exact match", "json": "JSON structure"}

JUDGE_INSTRUCTIONS = """You are an impartial judge comparing two answers to the same conversation.
Judge which answer better serves the user in that conversation: correctness first, then following the \
instructions (including any required format), then completeness and clarity. Do not prefer an answer for \
being longer, for its position, or for its style alone. If neither is clearly better, it is a tie.
Reply with a one-sentence reason, then a last line that is exactly one of:
Verdict: A
Verdict: B
Verdict: tie"""

_VERDICT = re.compile(r"verdict\s*[:=]?\s*\**\s*\[?\s*(a|b|tie)\b", re.IGNORECASE)
_BARE = re.compile(r"^\W*(a|b|tie)\W*$", re.IGNORECASE)
_FENCE = re.compile(r"^```[A-Za-z0-9_-]*\s*\n?(.*?)\n?```$", re.DOTALL)


def _transcript(messages: Sequence[Mapping[str, str]]) -> str:
    return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in messages)


def judge_messages(prompt: Sequence[Mapping[str, str]], answer_a: str, answer_b: str) -> list[dict[str, str]]:
    """The messages that ask the judge to compare ``answer_a`` and ``answer_b`` to the conversation ``prompt``.

    >>> messages = judge_messages([{"role": "user", "content": "2+2?"}], "4", "5")
    >>> [m["role"] for m in messages], "[user]\\n2+2?" in messages[1]["content"]
    (['system', 'user'], True)
    """
    body = (
        f"<conversation>\n{_transcript(prompt)}\n</conversation>\n\n"
        f"<answer_a>\n{answer_a}\n</answer_a>\n\n<answer_b>\n{answer_b}\n</answer_b>\n\n"
        "Which answer is better? End with the verdict line."
    )
    return [{"role": "system", "content": JUDGE_INSTRUCTIONS}, {"role": "user", "content": body}]


def parse_verdict(text: str) -> str | None:
    """ "A", "B" or "tie" from the judge's reply (its last verdict line, or a reply of one word); None when
    the reply states none.

    >>> parse_verdict("B is correct.\\nVerdict: B"), parse_verdict("**Verdict: tie**"), parse_verdict("tie")
    ('B', 'tie', 'tie')
    >>> parse_verdict("Both are fine.") is None
    True
    """
    found = _VERDICT.findall(text)
    word = found[-1] if found else (m.group(1) if (m := _BARE.match(text.strip())) else None)
    if word is None:
        return None
    return "tie" if word.lower() == "tie" else word.upper()


def judged(verdict: str | None, candidate_is: str) -> str:
    """The judge's verdict from the candidate's side, the candidate's answer being ``candidate_is`` ("A" or
    "B"); an unstated verdict is a tie.

    >>> judged("A", "A"), judged("A", "B"), judged(None, "A")
    ('win', 'loss', 'tie')
    """
    if verdict in (None, "tie"):
        return TIE
    return WIN if verdict == candidate_is else LOSS


def _unfenced(text: str) -> str:
    text = text.strip()
    match = _FENCE.match(text)
    return match.group(1).strip() if match else text


def _json(text: str) -> object:
    try:
        return json.loads(_unfenced(text))
    except ValueError:
        return None


def _normalised(text: str) -> str:
    return " ".join(_unfenced(text).casefold().split()).strip(" .!\"'`")


def same_answer(candidate: str, today: str) -> bool:
    """Whether two answers say the same: equal JSON values when both are JSON, else equal text once case,
    spacing, code fences and end punctuation are set aside.

    >>> same_answer("Refund.", "refund"), same_answer('{"a": 1, "b": 2}', '```json\\n{"b": 2, "a": 1}\\n```')
    (True, True)
    """
    one, other = _json(candidate), _json(today)
    if one is not None and other is not None:
        return one == other
    return _normalised(candidate) == _normalised(today)


def _shape(value: object) -> object:
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    return "number" if isinstance(value, int | float) else type(value).__name__


def same_json_structure(candidate: str, today: str) -> bool:
    """Whether the candidate's answer is JSON with today's structure: the same keys at every level and the
    same kind of value under each (a list's first item stands for its items).

    >>> same_json_structure('{"name": "Ann", "age": 41}', '{"name": "Bo", "age": 7}')
    True
    >>> same_json_structure('{"name": "Ann"}', '{"name": "Bo", "age": 7}'), same_json_structure("Ann", '{"a": 1}')
    (False, False)
    """
    one, other = _json(candidate), _json(today)
    if other is None:
        return one is None and _normalised(candidate) == _normalised(today)
    return one is not None and _shape(one) == _shape(other)


def check_answer(check: str, candidate: str, today: str) -> str:
    """The verdict of a check (``exact`` or ``json``) of the candidate's answer against today's: a tie when
    it passes, a loss when it fails."""
    if check == "exact":
        passed = same_answer(candidate, today)
    elif check == "json":
        passed = same_json_structure(candidate, today)
    else:
        raise ValueError(f"no check named {check!r}; checks: {', '.join(CHECKS)}")
    return TIE if passed else LOSS
