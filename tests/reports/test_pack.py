"""The report's facts and words: a workload's own months add up to the company's, the inputs are the engine's,
the 3-year range brackets its base, and the sentences say what the numbers say."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine

from analysis.money import usd
from analysis.report_facts import ledger_facts
from db.errors import InvalidInput, NotFound
from pricing.book import PriceBook
from reports.pack import ReportPack, month_of
from reports.render import file_name, render_report
from reports.sentences import (
    assumptions_register,
    comparison_verdict,
    key_assumptions,
    recommendation,
    three_year_words,
)
from tests.reports.conftest import EVIL, GENERATED, SCENARIO, pack_of


def test_each_workloads_months_add_up_to_the_companys(pack: ReportPack) -> None:
    for number, month in enumerate(pack.months):
        assert sum(w.months[number].baseline_usd for w in pack.workloads) == pytest.approx(month.baseline_usd)
        assert sum(w.months[number].scenario_usd for w in pack.workloads) == pytest.approx(month.scenario_usd)
        assert sum(w.months[number].one_time_usd for w in pack.workloads) == pytest.approx(month.one_time_usd)
    for line in pack.workloads:
        if line.inputs.today_usd is None:
            # Unpriced: no money is known, and none is made up.
            assert line.outcome.baseline_usd is None and line.outcome.savings_usd is None
        else:
            assert sum(m.baseline_usd for m in line.months) == pytest.approx(line.outcome.baseline_usd)


def test_the_inputs_are_what_the_engine_ran_with(pack: ReportPack) -> None:
    lines = {w.name: w.inputs for w in pack.workloads}
    chat = lines["Chat"].move
    assert chat is not None and chat.split_model == "llama-8b" and chat.split_share == 0.3
    assert chat.engineering_days == 12 and chat.engineering_days_source == "the scenario"
    assert chat.starts == date(2026, 11, 1) and chat.done == date(2027, 1, 1)
    summaries = lines["Summaries"]
    # Retiring on 15 March 2027, month 5 of a projection from November 2026: 17 of its 31 days on the successor.
    assert summaries.forced_month == 5 and summaries.forced_part == pytest.approx(17 / 31)
    assert summaries.successor_model == "gpt-5" and summaries.successor_usd == 450.0
    index = lines["Search index"].move
    assert index is not None and index.reembedding_usd == pytest.approx(5e9 * 30.0 / 1e9)
    assert lines["Mystery"].today_usd is None and lines[EVIL].move is not None
    assert dict((h, c) for h, c, _ in pack.price_changes) == {
        "openai": -0.1, "anthropic": 0.05, "deepinfra": 0.05, "groq": 0.05, "fireworks": 0.05, "azure": 0.05,
    }  # fmt: skip


def test_the_three_year_range_brackets_its_base(pack: ReportPack) -> None:
    assert pack.savings_3y_range is not None
    low, middle, high = pack.savings_3y_range
    assert low <= middle <= high and low < pack.savings_3y_usd < high
    assert pack.savings_3y_usd == pytest.approx(pack.tco_3y_baseline_usd - pack.tco_3y_scenario_usd)
    assert usd(pack.savings_3y_usd) in three_year_words(pack)


def test_the_five_assumptions_that_matter_most(pack: ReportPack) -> None:
    found = key_assumptions(pack)
    assert [k.name for k in found][:3] == ["Usage growth", "Horizon", "Discount rate"]
    assert len(found) == 5 and all(k.effect and k.effect.startswith("NPV ") for k in found[3:])
    tornado = [name for name, _, _ in pack.tornado if not name.startswith("usage growth")][:2]
    assert [k.name.lower() for k in found[3:]] == tornado


def test_the_recommendation_follows_the_numbers(pack: ReportPack, staying: ReportPack) -> None:
    assert recommendation(pack).startswith("Move 4 of 5 workloads")
    losing = replace(pack, payback_months=None, npv_usd=-1000.0)
    assert recommendation(losing).startswith("Do not go ahead with Plan A as it stands")
    assert recommendation(staying) == "Nothing moves in Stay: it shows what staying costs, for comparison."
    assert comparison_verdict([pack, staying]).startswith("Plan A is worth most")


def test_the_register_names_a_source_for_every_input(pack: ReportPack) -> None:
    register = assumptions_register(pack)
    assert all(a.source for a in register)
    names = {a.name for a in register}
    assert {"Discount rate", "Engineering day rate", "Horizon", "Usage growth"} <= names
    assert f"{EVIL}: target" in names and "Chat: router split" in names


def test_a_suggested_plan_says_why_the_rest_stay_and_what_it_could_not_meet() -> None:
    suggested = replace(
        SCENARIO,
        moves=SCENARIO.moves[1:],
        stays={"Chat": "no candidate saves money within the horizon"},
        unmet=("openai keeps 70% of the spend",),
    )
    pack = pack_of(suggested)
    assert pack.stays == ("Chat stays: no candidate saves money within the horizon",)
    assert "Not met: openai keeps 70% of the spend" in pack.warnings
    text = render_report("md", [pack], generated_at=GENERATED, charts=None).decode()
    assert "What stays, and why" in text and "Chat stays: no candidate saves money" in text
    assert "Not met: openai keeps 70% of the spend" in text
    pdf = render_report("pdf", [pack], generated_at=GENERATED, charts=None)
    assert pdf.startswith(b"%PDF")
    # A plan made by hand says nothing of the kind.
    assert pack_of(SCENARIO).stays == ()


def test_a_format_by_name_and_a_file_name(pack: ReportPack) -> None:
    assert render_report("md", [pack], generated_at=GENERATED).startswith(b"# Plan A")
    with pytest.raises(InvalidInput, match="no report format 'docx'"):
        render_report("docx", [pack], generated_at=GENERATED)
    assert month_of(date(2026, 11, 1), 3) == date(2027, 1, 1)
    assert file_name([EVIL], "pdf") == "exitplan-hyperlink-http-x-y.pdf"


def test_the_ledgers_facts(ledger: Engine) -> None:
    with pytest.raises(NotFound, match="no usage"):
        ledger_facts(ledger, book=PriceBook.offline(), today=date(2026, 12, 5))
