"""Defining self-hosting options: an open model on GPUs, priced from the user's own figures."""

from __future__ import annotations

import streamlit as st

from analysis.selfhost import SelfHostedOption, delete_option, option_problems, save_option, usd_per_mtok
from app import cache
from app.components.escape import md

__all__ = ["self_hosting_panel"]


def self_hosting_panel(url: str) -> None:
    """The options defined so far (with their $/Mtok), a form to add one, and delete buttons."""
    st.caption(
        "An open model you would run yourself. Cost per million tokens = GPU $/hour × GPUs per replica ÷ "
        "(sustained tokens/s × utilisation × 3600 / 1M), plus a fixed monthly cost; at least one replica runs all "
        "month. Each option becomes a candidate for every workload."
    )
    for option in cache.self_hosted(url):
        left, right = st.columns([4, 1])
        left.markdown(
            f"**{md(option.name)}** — {md(option.model)} on {option.gpus_per_replica}× {md(option.gpu_type)}: "
            f"${usd_per_mtok(option):,.2f} per million tokens, ${option.fixed_monthly_usd:,.0f}/month fixed"
        )
        if right.button("Delete", key=f"alternatives-selfhost-delete-{option.id}") and option.id is not None:
            delete_option(cache.engine(), option.id)
            cache.clear()
            st.rerun()
    with st.form("alternatives-selfhost", clear_on_submit=False):
        a, b = st.columns(2)
        name = a.text_input("Name", placeholder="Llama 3.3 70B on 2× H100", key="selfhost-name")
        model = b.text_input("Open model", placeholder="llama-3.3-70b-instruct", key="selfhost-model")
        gpu = a.text_input("GPU type", value="H100 80GB")
        price = b.number_input("$ per GPU-hour", min_value=0.0, value=2.99, step=0.1)
        gpus = a.number_input("GPUs per replica", min_value=1, value=2, step=1)
        speed = b.number_input("Sustained tokens/s per replica", min_value=0.0, value=2500.0, step=100.0)
        use = a.slider("Utilisation", min_value=0.05, max_value=1.0, value=0.6, step=0.05)
        fixed = b.number_input("Fixed monthly cost ($: ops, storage, egress)", min_value=0.0, value=2000.0, step=100.0)
        window = a.number_input("Context window (tokens, 0 if unknown)", min_value=0, value=131072, step=1024)
        if st.form_submit_button("Add option"):
            option = SelfHostedOption(
                name=name.strip(),
                model=model.strip(),
                gpu_type=gpu.strip(),
                usd_per_gpu_hour=float(price),
                gpus_per_replica=int(gpus),
                tokens_per_second=float(speed),
                utilisation=float(use),
                fixed_monthly_usd=float(fixed),
                context_window=int(window) or None,
            )
            if problems := option_problems(option):
                st.error(md(" ".join(problems)))
            else:
                save_option(cache.engine(), option)
                cache.clear()
                st.rerun()
