"""exitplan's errors, in one tree (the shape of httpx's ``_exceptions.py``).

Every error exitplan raises on purpose derives from :class:`ExitplanError`. Those the user caused or can
fix derive from :class:`UserError`: their message is written for the user, and a page or a command shows
it as it is — a line on the page, one line on stderr and exit status 2. Anything else that escapes is a bug
and is shown as one (a traceback on the page, a crash in the command), never dressed up as a message::

    ExitplanError
    └── UserError                 the user caused it or can fix it; the message says how
        ├── InvalidInput          a file, a value or a setting that cannot be used (also a ValueError)
        │   ├── IngestError       (collectors) a file that cannot be imported at all
        │   │   └── UnrecognisedFormat
        │   └── RollupSqlError    (collectors) a roll-up query that cannot be written
        ├── LedgerBusy            another process holds the ledger's write lock for longer than a writer waits
        ├── NotFound              a workload, an import, a model the ledger does not have (also a LookupError)
        └── ProviderError         a provider's API or a price source refused or failed
            ├── ApiError          (collectors.api) a request that failed for good
            │   └── KeyRejected
            ├── SyncError         (collectors.api) a sync that saved nothing
            └── PriceFetchError   (collectors.prices) a price registry that could not be read

The tree lives in ``db`` because every room may import ``db`` (ARCHITECTURE.md §2); each room defines its
own leaves beside the code that raises them.
"""

from __future__ import annotations

__all__ = ["ExitplanError", "InvalidInput", "LedgerBusy", "NotFound", "ProviderError", "UserError"]


class ExitplanError(Exception):
    """The base of every error exitplan raises on purpose."""


class UserError(ExitplanError):
    """Something the user caused or can fix. The message is for them: it says what is wrong and, where it
    can, what to do; it never holds a secret."""


class InvalidInput(UserError, ValueError):
    """A file, a value or a setting the user gave that cannot be used."""


class LedgerBusy(UserError):
    """Another process (an import, a sync) kept the ledger's write lock for longer than a writer waits for it.
    Nothing of the waiting write was saved; it can simply be run again."""


class NotFound(UserError, LookupError):
    """Something the user named (a workload, an import, a model) that the ledger does not have."""


class ProviderError(UserError):
    """A provider's API or a price source refused a request or failed; the message says which and why."""
