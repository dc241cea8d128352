"""exitplan's errors are one tree (db/errors.py): every exception class the rooms define is in it, where its
docstring says, so that a page or a command can catch ``UserError`` and let everything else be a bug."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.api.http import ApiError, KeyRejected
from collectors.api.sync import SyncError
from collectors.detect import UnrecognisedFormat
from collectors.prices.fetch import PriceFetchError
from collectors.rollup_sql import RollupSqlError
from collectors.source import IngestError
from db.errors import ExitplanError, InvalidInput, NotFound, ProviderError, UserError

ROOT = Path(__file__).parents[1]
ROOMS = ["db", "collectors", "pricing", "analysis", "reports"]

# Exceptions that never leave their module, so no page or command can meet them: each with why it is one.
PRIVATE = {
    "pricing.openrouter._Dynamic": "a sentinel price: _per_million raises it and _row, in the same module, "
    "catches it to mark the model's price dynamic",
}


def _modules() -> Iterator[str]:
    for room in ROOMS:
        yield room
        for info in pkgutil.walk_packages([str(ROOT / room)], prefix=f"{room}."):
            # Alembic's env.py runs a migration when imported.
            if ".migrations" not in info.name:
                yield info.name


def _exception_classes() -> Iterator[tuple[str, type[BaseException]]]:
    for name in _modules():
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == name:
                yield f"{name}.{value.__qualname__}", value


def test_the_walk_finds_the_rooms_errors() -> None:
    found = dict(_exception_classes())
    assert {"collectors.source.IngestError", "db.errors.NotFound", *PRIVATE} <= set(found)


def test_every_exception_a_room_defines_is_an_exitplan_error() -> None:
    outside = [name for name, cls in _exception_classes() if not issubclass(cls, ExitplanError)]
    assert sorted(outside) == sorted(PRIVATE), "derive these from db.errors (or list them in PRIVATE with why)"


def test_private_exceptions_stay_private() -> None:
    # Named with a leading underscore and absent from __all__: nothing outside their module can catch them.
    for qualified in PRIVATE:
        module_name, name = qualified.rsplit(".", 1)
        assert name.startswith("_") and name not in importlib.import_module(module_name).__all__


@pytest.mark.parametrize(
    ("error", "parent"),
    [
        (UserError, ExitplanError),
        (InvalidInput, UserError),
        (InvalidInput, ValueError),
        (NotFound, UserError),
        (NotFound, LookupError),
        (ProviderError, UserError),
        (IngestError, InvalidInput),
        (UnrecognisedFormat, IngestError),
        (RollupSqlError, InvalidInput),
        (ApiError, ProviderError),
        (KeyRejected, ApiError),
        (SyncError, ProviderError),
        (PriceFetchError, ProviderError),
    ],
)
def test_each_error_sits_where_the_tree_says(error: type[Exception], parent: type[Exception]) -> None:
    assert issubclass(error, parent)


def test_errors_keep_what_they_carry() -> None:
    assert ApiError("page 2 failed", status=503).status == 503
    assert UnrecognisedFormat("a.csv: unrecognised format", ("Date", "Tokens")).header == ("Date", "Tokens")
