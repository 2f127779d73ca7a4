"""叠加我的数据: a staff member's own file drawn over the plan layers, for this session only (see :mod:`ui.upload`)."""

import streamlit as st

from layers.io import uploads
from ui import feature_list, frame, mapview, panel, upload

frame.require_frame()

st.title("叠加我的数据")
st.caption(
    f"上传 {uploads.FORMATS_TEXT}（不超过 {uploads.MAX_UPLOAD_MB} MB），叠加在规划图层上查看。"
    "文件只保存在您本次浏览会话中：其他用户看不到，关闭页面即清除。"
)
upload_column, option_column = st.columns([3, 1], vertical_alignment="bottom")
upload_column.file_uploader(
    "选择文件",
    type=list(uploads.UPLOAD_TYPES),
    key=upload.FILE_KEY,
    on_change=upload.load_file,
    max_upload_size=uploads.MAX_UPLOAD_MB,
    help="Shapefile 请把 .shp、.shx、.dbf、.prj（以及 .cpg）打包成一个 zip。",
)
option_column.checkbox(
    "坐标为 GCJ-02（来自高德）",
    key=upload.GCJ02_KEY,
    on_change=upload.load_file,
    help="高德地图拾取或导出的坐标比 WGS-84 偏移约 500–700 米；勾选后先转换再叠加。",
)

result = st.session_state.get(upload.RESULT_KEY)
with st.container():  # one element whatever the file gave, so the map below keeps its place (and its view)
    extra = upload.show_result()
map_column, detail_column = st.columns([3, 1], gap="medium")
with map_column:
    clicked = mapview.map_view("upload", extra=extra)
    feature_list.feature_list("upload")
with detail_column:
    if isinstance(result, uploads.Upload) and clicked and str(clicked.get("_layer", "")).startswith("upload_"):
        upload.clicked_row(result, clicked)
    else:
        panel.feature_details(clicked, hint="点击地图上的要素查看详情；上传的要素显示全部属性。")

if isinstance(result, uploads.Upload):
    st.subheader("属性表")
    table = result.gdf.drop(columns=result.gdf.geometry.name).astype(object).fillna("").astype(str)
    st.dataframe(table.rename_axis("要素编号"), width="stretch", alt="上传文件的属性表")
