"""Figures built from DataFrames; no data access here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.money import usd, usd_together
from reports.charts import as_written

__all__ = [
    "concentration_chart",
    "cost_quality_chart",
    "cumulative_chart",
    "price_history_chart",
    "projection_chart",
    "retirement_chart",
    "risk_heat_map",
    "savings_waterfall",
    "spend_chart",
    "tornado_chart",
]

_MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


def _as_written(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` with the names in ``columns`` shown as written (:func:`reports.charts.as_written`)."""
    return frame.assign(**{c: frame[c].map(as_written, na_action="ignore") for c in columns})


def spend_chart(series: pd.DataFrame, by: str, grain_label: str) -> go.Figure:
    """Stacked bars of spend per period, one colour per value of ``by``."""
    series = _as_written(series, by)
    order = series.groupby(by)["spend_usd"].sum().sort_values(ascending=False).index.tolist()
    figure = px.bar(
        series,
        x="period",
        y="spend_usd",
        color=by,
        category_orders={by: order},
        labels={"period": grain_label, "spend_usd": "Spend (USD)", by: by.replace("_", " ").capitalize()},
    )
    figure.update_layout(
        barmode="stack",
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis_tickprefix="$",
    )
    figure.update_traces(hovertemplate="%{y:$,.2f}")
    return figure


def price_history_chart(steps: pd.DataFrame) -> go.Figure:
    """Step lines of a model's price per source (colour), input solid and output dashed."""
    figure = px.line(
        _as_written(steps, "source"),
        x="as_of",
        y="usd_mtok",
        color="source",
        line_dash="price",
        line_shape="hv",
        markers=True,
        category_orders={"price": ["input", "output"]},
        labels={"as_of": "As of", "usd_mtok": "USD per 1M tokens", "source": "Source", "price": "Price"},
    )
    figure.update_layout(
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis_tickformat="%d %b %Y",
        yaxis_tickprefix="$",
        yaxis_rangemode="tozero",
    )
    figure.update_traces(hovertemplate="%{y:$,.4g}")
    return figure


def cost_quality_chart(points: pd.DataFrame, axis: str) -> go.Figure:
    """Monthly cost against quality on one evidence ``axis``, one point per option; the frontier as a line
    and today's model as a star. ``points`` has monthly_usd, quality, label, fits, today, frontier."""
    figure = go.Figure()
    points = _as_written(points, "label")
    candidates = points[~points["today"]]
    for fits, name, symbol in ((True, "fits", "circle"), (False, "does not fit", "x")):
        part = candidates[candidates["fits"] == fits]
        figure.add_trace(
            go.Scatter(
                x=part["monthly_usd"],
                y=part["quality"],
                mode="markers",
                name=name,
                marker={"symbol": symbol, "size": 8, "opacity": 0.75},
                text=part["label"],
                hovertemplate="%{text}<br>$%{x:,.0f} a month<br>%{y:.4g}<extra></extra>",
            )
        )
    frontier = candidates[candidates["frontier"]].sort_values("monthly_usd")
    figure.add_trace(
        go.Scatter(
            x=frontier["monthly_usd"],
            y=frontier["quality"],
            mode="lines",
            name="best for the money",
            line={"dash": "dot"},
            hoverinfo="skip",
        )
    )
    today = points[points["today"]]
    figure.add_trace(
        go.Scatter(
            x=today["monthly_usd"],
            y=today["quality"],
            mode="markers",
            name="today",
            marker={"symbol": "star", "size": 16},
            text=today["label"],
            hovertemplate="%{text}<br>$%{x:,.0f} a month<br>%{y:.4g}<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis={"title": "Monthly cost (USD, log scale)", "type": "log", "tickprefix": "$"},
        yaxis={"title": axis},
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return figure


def risk_heat_map(risks: pd.DataFrame) -> go.Figure:
    """Workloads (rows) × factors (columns), each cell the factor's risk from 0 to 1."""
    figure = go.Figure(
        go.Heatmap(
            z=risks.to_numpy(),
            x=list(risks.columns),
            y=[as_written(workload) for workload in risks.index],
            zmin=0,
            zmax=1,
            colorscale="Reds",
            colorbar={"title": "risk"},
            hovertemplate="%{y}<br>%{x}: %{z:.2f}<extra></extra>",
        )
    )
    figure.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis={"autorange": "reversed"})
    return figure


def retirement_chart(timeline: pd.DataFrame, today: date) -> go.Figure:
    """The models in use on a time line of their shutdown dates, sized by monthly spend; today as a line."""
    figure = px.scatter(
        _as_written(timeline, "model", "host", "successor"),
        x="retires_on",
        y="model",
        size="monthly_usd",
        color="host",
        hover_data={"successor": True, "monthly_usd": ":$,.0f", "days_left": True},
        labels={"retires_on": "Shutdown at its host", "model": "Model", "monthly_usd": "Monthly spend"},
    )
    figure.add_vline(x=pd.Timestamp(today).timestamp() * 1000, line_dash="dot", annotation_text="today")
    figure.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h", "y": -0.2})
    return figure


def concentration_chart(history: pd.DataFrame) -> go.Figure:
    """Each month's share of spend per provider (stacked areas) and its HHI (a line on its own axis)."""
    figure = go.Figure()
    for provider, rows in history.groupby("provider", sort=False):
        figure.add_trace(
            go.Scatter(
                x=rows["month"],
                y=rows["share"],
                name=as_written(provider),
                stackgroup="share",
                mode="lines",
                hovertemplate="%{y:.0%}",
            )
        )
    index = history.drop_duplicates("month")
    figure.add_trace(
        go.Scatter(
            x=index["month"],
            y=index["hhi"],
            name="HHI",
            yaxis="y2",
            mode="lines+markers",
            line={"dash": "dot", "color": "black"},
            hovertemplate="%{y:,.0f}",
        )
    )
    figure.update_layout(
        hovermode="x unified",
        yaxis={"title": "Share of spend", "tickformat": ".0%", "range": [0, 1]},
        yaxis2={"title": "HHI", "overlaying": "y", "side": "right", "range": [0, 10_000]},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return figure


def projection_chart(monthly: pd.DataFrame) -> go.Figure:
    """A scenario month by month, in two panels on one time axis: above, what the company pays if nothing moves
    and under the scenario (lines) and the one-time costs (bars); below, the cumulative net savings, which
    cross zero at payback. ``monthly`` is :attr:`ScenarioResult.monthly`."""
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.06)
    for column, name in (("baseline_usd", "If nothing moves"), ("scenario_usd", "Under the scenario")):
        figure.add_trace(
            go.Scatter(x=monthly["month"], y=monthly[column], name=name, mode="lines", hovertemplate="%{y:$,.0f}"),
            row=1,
            col=1,
        )
    figure.add_trace(
        go.Bar(x=monthly["month"], y=monthly["one_time_usd"], name="One-time costs", hovertemplate="%{y:$,.0f}"),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            x=monthly["month"],
            y=monthly["cumulative_usd"],
            name="Net savings so far",
            mode="lines",
            fill="tozeroy",
            hovertemplate="%{y:$,.0f}",
        ),
        row=2,
        col=1,
    )
    figure.add_hline(y=0, line_width=1, line_dash="dot", row=2, col=1)
    figure.update_yaxes(tickformat="$~s", rangemode="tozero", title_text="A month", row=1, col=1)
    figure.update_yaxes(tickformat="$~s", title_text="So far", row=2, col=1)
    figure.update_xaxes(tickformat="%b %Y")
    figure.update_layout(
        height=520, hovermode="x unified", legend={"orientation": "h", "y": -0.12}, margin=_MARGIN, bargap=0.3
    )
    return figure


def savings_waterfall(workloads: pd.DataFrame) -> go.Figure:
    """Each workload's net savings over the horizon (after its one-time costs), then their total. Workloads
    whose costs the scenario does not change (and those without a price) add nothing and are left out.
    ``workloads`` has workload and savings_usd, as :func:`analysis.scenarios.business_case.workloads_frame`."""
    moving = workloads[workloads["savings_usd"].abs() >= 0.005].sort_values("savings_usd", ascending=False)
    values = [*moving["savings_usd"], float(moving["savings_usd"].sum())]
    figure = go.Figure(
        go.Waterfall(
            x=[*map(as_written, moving["workload"]), "Total"],
            y=values,
            measure=["relative"] * len(moving) + ["total"],
            text=[as_written(text) for text in usd_together(values)],
            textposition="outside",
            hovertemplate="%{x}: %{text}<extra></extra>",
            connector={"line": {"dash": "dot", "width": 1}},
        )
    )
    figure.update_layout(yaxis={"title": "Net savings over the horizon", "tickformat": "$~s"}, margin=_MARGIN)
    return figure


def tornado_chart(tornado: Sequence[tuple[str, float, float]], base_npv: float) -> go.Figure:
    """The NPV with each uncertain factor at its low and its high setting, the others at their base: bars
    from the base NPV (a dotted line), the factor with the widest swing on top."""
    bars = sorted(tornado, key=lambda bar: abs(bar[2] - bar[1]), reverse=True)
    factors = [factor for factor, _, _ in bars]
    figure = go.Figure()
    lows, highs = [low for _, low, _ in bars], [high for _, _, high in bars]
    for name, values in (("At its low setting", lows), ("At its high setting", highs)):
        figure.add_trace(
            go.Bar(
                y=factors,
                x=[value - base_npv for value in values],
                base=[base_npv] * len(values),
                orientation="h",
                name=name,
                text=[as_written(text) for text in usd_together(values)],
                hovertemplate="%{y}<br>NPV %{text}<extra></extra>",
            )
        )
    figure.add_vline(
        x=base_npv, line_dash="dot", annotation_text=f"base NPV {as_written(usd(base_npv))}", annotation_position="top"
    )
    figure.update_layout(
        barmode="overlay",
        xaxis={"title": "NPV (USD)", "tickformat": "$~s"},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.25},
        margin={**_MARGIN, "t": 40},
    )
    return figure


def cumulative_chart(cumulative: pd.DataFrame) -> go.Figure:
    """Scenarios' cumulative net savings by month, one line each (scenario, month, cumulative_usd)."""
    figure = px.line(
        _as_written(cumulative, "scenario"),
        x="month",
        y="cumulative_usd",
        color="scenario",
        labels={"month": "Month", "cumulative_usd": "Cumulative net savings (USD)", "scenario": "Scenario"},
    )
    figure.add_hline(y=0, line_dash="dot", line_width=1)
    figure.update_layout(
        hovermode="x unified",
        xaxis_tickformat="%b %Y",
        yaxis_tickformat="$~s",
        legend={"orientation": "h", "y": -0.2},
        margin=_MARGIN,
    )
    figure.update_traces(hovertemplate="%{y:$,.0f}")
    return figure
