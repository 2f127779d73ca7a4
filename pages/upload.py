"""叠加我的数据: a staff member's own file drawn over the plan layers, for this session only.

The file is read by :mod:`layers.uploads` (limits, encodings, CRS, repair) in
the uploader's callback and kept in ``st.session_state``: never cached across
sessions, never written outside a temporary folder.  Everything the file
carries (its name, column names, values) is shown escaped.
"""

import logging

import pandas as pd
import streamlit as st

from layers.io import uploads
from layers.io.validation import Problem, VectorDataError, summarise
from layers.web.display import prepare
from layers.web.escape import escape_markdown
from ui import frame as ui
from ui import mapview

ui.require_frame()

FILE_KEY, GCJ02_KEY, RESULT_KEY, DISPLAY_KEY = "upload_file", "upload_gcj02", "upload_result", "upload_display"
log = logging.getLogger(__name__)


def load_file() -> None:
    """Read the chosen file (or forget it) whenever the file or the GCJ-02 choice changes."""
    st.session_state.pop(DISPLAY_KEY, None)
    file = st.session_state.get(FILE_KEY)
    if file is None:
        st.session_state.pop(RESULT_KEY, None)
        return
    try:
        st.session_state[RESULT_KEY] = uploads.load_upload(file.name, file.getvalue(), gcj02=st.session_state.get(GCJ02_KEY, False))
    except VectorDataError as exc:
        st.session_state[RESULT_KEY] = exc.problems
    except Exception:  # a loader bug must still end in a sentence, not a traceback; the log keeps the details
        log.exception("upload %r could not be read", file.name)
        st.session_state[RESULT_KEY] = [Problem(file.name, "读取时发生内部错误，已记入服务器日志；请检查文件格式")]


def display_layers(upload: uploads.Upload) -> list:
    """The upload's layers ready for the browser, kept with the upload for the current basemap datum."""
    datum = ui.current_basemap().datum
    cached = st.session_state.get(DISPLAY_KEY)
    if cached is None or cached[0] != datum:
        cached = (datum, [(spec, prepare(spec, gdf, datum)) for spec, gdf in uploads.layer_specs(upload)])
        st.session_state[DISPLAY_KEY] = cached
    return cached[1]


def problem_list(problems: list[Problem]) -> str:
    return "\n".join(f"- {escape_markdown(line)}" for line in summarise(problems))


def clicked_row(upload: uploads.Upload, clicked: dict) -> None:
    """The clicked feature of the upload, all its attributes."""
    parts = {spec.id: gdf for spec, gdf in uploads.layer_specs(upload)}
    if clicked["_layer"] not in parts:
        return
    part = parts[clicked["_layer"]]
    try:
        feature = part.index[int(clicked["_row"])]
    except (KeyError, ValueError, IndexError, TypeError):
        return
    st.caption(f"要素 #{feature}")
    row = upload.gdf.loc[feature].drop(labels=upload.gdf.geometry.name)
    st.dataframe([{"属性": str(k), "值": "" if pd.isna(v) else str(v)} for k, v in row.items()], hide_index=True, width="stretch")


st.title("叠加我的数据")
st.caption(
    f"上传 {uploads.FORMATS_TEXT}（不超过 {uploads.MAX_UPLOAD_MB} MB），叠加在规划图层上查看。"
    "文件只保存在您本次浏览会话中：其他用户看不到，关闭页面即清除。"
)
upload_column, option_column = st.columns([3, 1], vertical_alignment="bottom")
upload_column.file_uploader(
    "选择文件",
    type=list(uploads.UPLOAD_TYPES),
    key=FILE_KEY,
    on_change=load_file,
    max_upload_size=uploads.MAX_UPLOAD_MB,
    help="Shapefile 请把 .shp、.shx、.dbf、.prj（以及 .cpg）打包成一个 zip。",
)
option_column.checkbox(
    "坐标为 GCJ-02（来自高德）",
    key=GCJ02_KEY,
    on_change=load_file,
    help="高德地图拾取或导出的坐标比 WGS-84 偏移约 500–700 米；勾选后先转换再叠加。",
)

result = st.session_state.get(RESULT_KEY)
extra = []
if isinstance(result, list):
    st.error("文件无法使用：\n\n" + problem_list(result))
elif isinstance(result, uploads.Upload):
    extra = display_layers(result)
    kinds = "、".join(uploads.FAMILY_NAMES[spec.geometry] for spec, _ in extra)
    c1, c2, c3 = st.columns(3)
    c1.metric("要素数", len(result.gdf))
    c2.metric("几何类型", kinds)
    c3.metric("属性列", len(result.gdf.columns) - 1)
    st.caption(f"原坐标系：{escape_markdown(result.source_crs)}")
    if result.notes:
        st.warning(f"读取时发现并处理了 {len(result.notes)} 处问题：\n\n" + problem_list(list(result.notes)))
else:
    st.info("尚未上传文件：下方地图只显示规划图层。")

map_column, detail_column = st.columns([3, 1], gap="medium")
with map_column:
    clicked = mapview.map_view("upload", extra=extra)
with detail_column:
    if isinstance(result, uploads.Upload) and clicked and str(clicked.get("_layer", "")).startswith("upload_"):
        clicked_row(result, clicked)
    else:
        mapview.feature_details(clicked, hint="点击地图上的要素查看详情；上传的要素显示全部属性。")

if isinstance(result, uploads.Upload):
    st.subheader("属性表")
    table = result.gdf.drop(columns=result.gdf.geometry.name).astype(object).fillna("").astype(str)
    st.dataframe(table.rename_axis("要素编号"), width="stretch")
