"""叠加我的数据's logic: reading a staff member's file into the session, and showing what was read.

The file is read by :mod:`layers.io.uploads` (content checks, budgets, encodings,
CRS, repair) in the uploader's callback and kept in ``st.session_state``: never
cached across sessions, never written outside a temporary folder.  Everything the
file carries (its name, column names, values) is shown escaped.
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from layers.io import uploads
from layers.io.validation import Problem, VectorDataError, summarise
from layers.web.display import prepare
from layers.web.escape import escape_markdown
from ui import sidebar

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
    datum = sidebar.current_basemap().datum
    cached = st.session_state.get(DISPLAY_KEY)
    if cached is None or cached[0] != datum:
        cached = (datum, [(spec, prepare(spec, gdf, datum)) for spec, gdf in uploads.layer_specs(upload)])
        st.session_state[DISPLAY_KEY] = cached
    return cached[1]


def problem_list(problems: list[Problem]) -> str:
    """Problems as a Markdown list, each line escaped (file names and values are the user's)."""
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
    st.dataframe([{"属性": str(k), "值": "" if pd.isna(v) else str(v)} for k, v in row.items()], hide_index=True, width="stretch", alt="所选上传要素的属性")


def show_result() -> list:
    """What the file gave (or why it could not be used); returns its layers ready for the map."""
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
    return extra
