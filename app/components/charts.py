"""Figures built from DataFrames; no data access here."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

__all__ = [
    "concentration_chart",
    "cost_quality_chart",
    "price_history_chart",
    "retirement_chart",
    "risk_heat_map",
    "spend_chart",
]


def spend_chart(series: pd.DataFrame, by: str, grain_label: str) -> go.Figure:
    """Stacked bars of spend per period, one colour per value of ``by``."""
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
        steps,
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
            y=list(risks.index),
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
        timeline,
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
                name=str(provider),
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
