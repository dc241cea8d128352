"""Taking the demo company out of the ledger, for the dashboard and the CLI alike: what the user made on its
data alone (workloads, scenarios), then its imports and its status pages' incidents; the user's own stay."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from analysis.made_on import remove_made_only_on
from collectors.demo import demo_imports, remove_demo

__all__ = ["DemoRemoval", "remove_demo_data"]


@dataclass(frozen=True)
class DemoRemoval:
    """What went: counts of imports and incidents, names of workloads and scenarios."""

    imports: int
    incidents: int
    workloads: tuple[str, ...]
    scenarios: tuple[str, ...]

    def words(self) -> str:
        """What went, in a sentence.

        >>> DemoRemoval(3, 1, ("Support chat",), ()).words()
        'The demo data is removed: 3 imports, 1 status-page incident and 1 workload made on it alone.'
        """
        parts = [_count(self.imports, "import"), _count(self.incidents, "status-page incident")]
        if self.workloads:
            parts.append(_count(len(self.workloads), "workload"))
        if self.scenarios:
            parts.append(_count(len(self.scenarios), "scenario"))
        listed = ", ".join(parts[:-1]) + " and " + parts[-1]
        alone = " made on it alone" if self.workloads or self.scenarios else ""
        return f"The demo data is removed: {listed}{alone}."


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def remove_demo_data(engine: Engine) -> DemoRemoval:
    """Remove the demo company's data and what was made on it alone; nothing of the user's."""
    made = remove_made_only_on(engine, demo_imports(engine))
    removed = remove_demo(engine)
    return DemoRemoval(removed.imports, removed.incidents, made.workloads, made.scenarios)
