"""Figures built from DataFrames; no data access here."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

__all__ = ["price_history_chart", "spend_chart"]


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
