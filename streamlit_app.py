"""The dashboard's entry: navigation over the pages in app/pages."""

import streamlit as st

from app.components.access import require_login

st.set_page_config(page_title="exitplan", page_icon="🧭", layout="wide")
# Before any page: with a login configured, nothing of the ledger is read until the visitor has logged in.
require_login()
st.navigation(
    [
        st.Page("app/pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
        st.Page("app/pages/models.py", title="Models", icon=":material/category:"),
        st.Page("app/pages/workloads.py", title="Workloads", icon=":material/account_tree:"),
        st.Page("app/pages/alternatives.py", title="Alternatives", icon=":material/alt_route:"),
        st.Page("app/pages/risk.py", title="Risk", icon=":material/shield:"),
        st.Page("app/pages/scenarios.py", title="Scenarios", icon=":material/route:"),
        st.Page("app/pages/report.py", title="Report", icon=":material/summarize:"),
        st.Page("app/pages/data.py", title="Data", icon=":material/upload_file:"),
    ]
).run()
