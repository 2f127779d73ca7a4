"""数据与来源: every catalog layer with its provenance, and a download per layer."""

import streamlit as st

from ui import data_page, frame

frame.require_frame()

st.title("数据与来源")
st.markdown(
    "所有图层以 GeoJSON（WGS-84，EPSG:4326）提供，可在下方逐层下载；下载的文件内写明来源与许可。"
    "规划原图为示意图：凡标注“示意”的图层依规划文字和真实锚点（站点、镇政府驻地、河流）绘制，不是测绘成果。"
)
data_page.catalog_table()
st.subheader("下载")
data_page.layer_downloads()
st.subheader("许可与致谢")
st.markdown(data_page.ATTRIBUTION_MD)
