"""Figures built from DataFrames; no data access here."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

__all__ = ["spend_chart"]


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
