"""项目库: every plan project/place as a record; ``?id=`` opens one, otherwise a filterable table.

The filters live in the URL (``bind="query-params"``), so Back from a record and a shared
link both bring the same list back; the keyword finds what the sidebar's search finds.
"""

import streamlit as st

from layers.plan import records, search
from ui import frame, loaders, panel, record_page, sidebar

frame.require_frame()

projects = loaders.layer_load("projects")
record_id = st.query_params.get("id")

if not projects.ok:
    st.title("项目库")
    loaders.report_broken([projects])
elif record_id:
    record_page.record_page(projects, record_id)
else:
    st.title("项目库")
    st.caption("规划点名、具有空间位置的重点项目与地点。每条记录附规划原文摘录与出处，可在地图中定位。")
    gdf = projects.gdf
    c1, c2, c3, c4 = st.columns(4)
    query = st.text_input("关键词（名称、县市区、类别，与侧栏搜索相同）", key="q", bind="query-params")
    filters = records.Filters(
        category=c1.selectbox("类别", records.options(gdf, "category"), key="category", bind="query-params", placeholder="请选择"),
        county=c2.selectbox("县市区", records.options(gdf, "county"), key="county", bind="query-params", placeholder="请选择"),
        stage=c3.selectbox("阶段", records.options(gdf, "stage"), key="stage", bind="query-params", placeholder="请选择"),
        column=c4.selectbox("专栏", records.options(gdf, "columns"), key="column", bind="query-params", placeholder="请选择"),
        ids=search.record_ids(sidebar.search_hits(query)) if query.strip() else None,
    )
    chosen = records.apply(gdf, filters)
    st.caption(f"共 {len(chosen)} 条（全部 {len(gdf)} 条）。点选一行打开详情。")
    event = st.dataframe(
        records.table(chosen), hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key="records", alt=f"项目库记录表，共 {len(chosen)} 条",
    )
    rows = event.selection.rows if event else []
    if rows:
        st.query_params["id"] = chosen.iloc[rows[0]]["id"]
        st.rerun()
    d1, d2, _ = st.columns([1, 1, 3])
    d1.download_button("下载 CSV", records.to_csv(chosen, projects.spec), file_name="zhuzhou_projects.csv", mime="text/csv")
    d2.download_button("下载 GeoJSON", records.to_geojson(chosen, projects.spec), file_name="zhuzhou_projects.geojson", mime="application/geo+json")
    panel.feature_details(None, hint="")
