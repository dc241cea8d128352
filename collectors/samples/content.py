"""The prompt and today's answer a logged request carries, as plain chat messages a candidate can be sent.

Sources log content in their own shapes: OpenAI chat messages (content as text or a list of parts),
Anthropic messages (a separate ``system``, content blocks), OpenTelemetry GenAI messages (``parts``; or the
earlier spellings: indexed ``gen_ai.prompt.N.*`` attributes, ``gen_ai.content.*`` span events), a
completion object (``choices``), a Responses-API ``output`` list, or plain text. :func:`chat_messages` and
:func:`answer_text` read them all into ``[{"role", "content"}, …]`` and a string.

A request that cannot be replayed as plain chat is not a sample: one with images or audio, tool calls or
tool results (the candidate would need the tools), or no user message. Which field of which source holds
the content is :data:`CONTENT_FORMATS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from collectors.formats.otel import attribute_values

__all__ = ["CONTENT_FORMATS", "Message", "answer_text", "chat_messages", "content_of"]

Message = dict[str, str]

_ROLES = {"system": "system", "developer": "system", "user": "user", "human": "user", "assistant": "assistant"}
_ROLES |= {"model": "assistant", "ai": "assistant"}
_TEXT_PARTS = frozenset({"text", "input_text", "output_text"})
# Keys of an object that wraps an answer rather than being one (an extraction's JSON answer is kept whole).
_ENVELOPE_KEYS = frozenset({"choices", "content", "parts", "output", "message", "text", "role", "completion"})


def _parsed(value: object) -> object:
    """JSON text (a CSV cell, an OTel string attribute) as its value; anything else as it is."""
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _text(content: object) -> str | None:
    """The text of a message's content: a string, or a list of text parts (None if any part is not text)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        content = [content]
    if not isinstance(content, list):
        return None
    texts = []
    for part in content:
        if isinstance(part, str):
            texts.append(part)
            continue
        if not isinstance(part, dict) or str(part.get("type", "text")) not in _TEXT_PARTS:
            return None
        value = part.get("text", part.get("content"))
        if not isinstance(value, str):
            return None
        texts.append(value)
    return "".join(texts)


def _message(item: object) -> Message | None:
    if not isinstance(item, dict):
        return None
    role = _ROLES.get(str(item.get("role", "")).lower())
    if role is None or item.get("tool_calls") or item.get("function_call"):
        return None
    text = _text(item["parts"] if "parts" in item and "content" not in item else item.get("content"))
    return None if text is None else {"role": role, "content": text}


def chat_messages(value: object, system: object = None) -> list[Message] | None:
    """A logged prompt as chat messages, or None when it is not one a candidate can be sent as text.

    ``value`` is a list of messages, an object with ``messages`` (and an Anthropic ``system``), one message,
    or a string (one user message); JSON text of any of them is read too. ``system`` is a separate system
    prompt (OTel's ``gen_ai.system_instructions``).

    >>> parts = [{"type": "text", "text": "Hi"}]
    >>> chat_messages({"system": "Be brief.", "messages": [{"role": "user", "content": parts}]})
    [{'role': 'system', 'content': 'Be brief.'}, {'role': 'user', 'content': 'Hi'}]
    >>> chat_messages([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "…"}}]}]) is None
    True
    """
    value = _parsed(value)
    if isinstance(value, dict) and isinstance(value.get("messages"), list):
        system = value.get("system", system)
        value = value["messages"]
    elif isinstance(value, dict) and "role" in value:
        value = [value]
    elif isinstance(value, str):
        value = [{"role": "user", "content": value}] if value.strip() else []
    if not isinstance(value, list):
        return None
    messages: list[Message] = []
    system = _parsed(system)
    if system:
        text = _text(system)
        if text is None:
            return None
        messages.append({"role": "system", "content": text})
    for item in value:
        message = _message(item)
        if message is None:
            return None
        messages.append(message)
    if not any(m["role"] == "user" and m["content"].strip() for m in messages):
        return None
    return messages


def answer_text(value: object) -> str | None:
    """Today's answer as text, or None when there is none (or it is not text).

    Reads a completion (``choices[0].message``), an Anthropic message (``content`` blocks), one message or
    a list of OTel output messages, a Responses-API ``output`` list, or text. JSON text that is not such an
    envelope is the answer itself (an extraction's JSON).

    >>> answer_text({"choices": [{"message": {"role": "assistant", "content": "Paris."}}]})
    'Paris.'
    >>> answer_text('{"intent": "refund"}')
    '{"intent": "refund"}'
    """
    parsed = _parsed(value)
    if isinstance(parsed, dict) and not (_ENVELOPE_KEYS & set(parsed)):
        parsed = value if isinstance(value, str) else None
    found = _answer(parsed)
    return found if found else None


def _answer(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item.get("type") == "message":  # Responses API output item
                return _text(item.get("content"))
            if isinstance(item, dict) and ("role" in item or "parts" in item):  # OTel output messages
                return _answer(item)
        return _text(value)
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("choices"), list) and value["choices"]:
        choice = value["choices"][0]
        if isinstance(choice, dict):
            return _answer(choice.get("message")) if "message" in choice else _text(choice.get("text"))
        return None
    if "output" in value and not isinstance(value.get("output"), str | type(None)):
        return _answer(value["output"])
    for key in ("content", "parts", "text", "completion"):
        if key in value:
            return _text(value[key])
    if "message" in value:
        return _answer(value["message"])
    return None


def _lowered(row: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in row.items()}


def _litellm(row: Mapping[str, Any]) -> tuple[object, object]:
    row = _lowered(row)
    messages = _parsed(row.get("messages"))
    if not messages:  # some releases keep the request only inside proxy_server_request
        request = _parsed(row.get("proxy_server_request"))
        messages = request.get("messages") if isinstance(request, dict) else None
    return messages, row.get("response")


def _langfuse(row: Mapping[str, Any]) -> tuple[object, object]:
    row = _lowered(row)
    return row.get("input"), row.get("output")


def _helicone(row: Mapping[str, Any]) -> tuple[object, object]:
    row = _lowered(row)
    return row.get("request_body"), row.get("response_body")


def _otel(span: Mapping[str, Any]) -> tuple[object, object]:
    attrs = attribute_values(span.get("attributes"))
    prompt = attrs.get("gen_ai.input.messages")
    answer = attrs.get("gen_ai.output.messages")
    system = attrs.get("gen_ai.system_instructions")
    if prompt is None:  # the earlier, indexed spelling: gen_ai.prompt.0.role, gen_ai.prompt.0.content, …
        prompt = _indexed(attrs, "gen_ai.prompt") or None
        indexed_answer = _indexed(attrs, "gen_ai.completion")
        answer = indexed_answer[0] if indexed_answer else answer
    if prompt is None:  # the 1.2x conventions: span events gen_ai.content.prompt and gen_ai.content.completion
        events = span.get("events")
        named = {
            str(e.get("name")): attribute_values(e.get("attributes"))
            for e in (events if isinstance(events, list) else [])
            if isinstance(e, dict)
        }
        prompt = named.get("gen_ai.content.prompt", {}).get("gen_ai.prompt")
        answer = answer if answer is not None else named.get("gen_ai.content.completion", {}).get("gen_ai.completion")
    prompt = _parsed(prompt)
    if isinstance(prompt, list) and system:
        return {"messages": prompt, "system": system}, answer
    return prompt, answer


def _indexed(attrs: Mapping[str, object], prefix: str) -> list[dict[str, object]]:
    items: dict[int, dict[str, object]] = {}
    for key, value in attrs.items():
        head, _, rest = key.partition(f"{prefix}.")
        index, _, field = rest.partition(".")
        if head or not index.isdigit() or field not in ("role", "content"):
            continue
        items.setdefault(int(index), {})[field] = value
    return [items[i] for i in sorted(items)]


# Which formats carry content, and where: (the logged prompt, today's answer) of one raw row.
CONTENT_FORMATS: dict[str, Callable[[Mapping[str, Any]], tuple[object, object]]] = {
    "litellm_spendlogs_csv": _litellm,
    "litellm_spendlogs_json": _litellm,
    "langfuse_observations_api": _langfuse,
    "langfuse_generations_csv": _langfuse,
    "helicone_requests_csv": _helicone,
    "helicone_requests_jsonl": _helicone,
    "otel_genai_spans": _otel,
}


def content_of(format_name: str, row: Mapping[str, Any]) -> tuple[list[Message] | None, str | None]:
    """The replayable prompt and today's answer of one raw row of ``format_name`` (None, None for a format
    that carries no content).

    >>> content_of("langfuse_observations_api", {"input": [{"role": "user", "content": "Hi"}], "output": "Hello!"})
    ([{'role': 'user', 'content': 'Hi'}], 'Hello!')
    """
    read = CONTENT_FORMATS.get(format_name)
    if read is None:
        return None, None
    prompt, answer = read(row)
    return chat_messages(prompt), answer_text(answer)
