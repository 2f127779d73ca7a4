/* Streamlit's own words in Chinese, and two phone fixes, for every page of the viewer.
 * Streamlit 1.67 has no locale setting: its built-in strings ("Select all", "Upload",
 * "Skip to main content", table toolbar tips, aria-labels) come from its bundle.  This script
 * translates them in the DOM with a fixed dictionary (text and accessible names), hides
 * material-icon ligature names ("list_alt") from screen readers, and on phones closes the
 * sidebar once a search result or page link in it is chosen.  Loaded once (ui/chrome.py). */
(function () {
  if (window.__zzpChrome) { return; }
  window.__zzpChrome = true;
  const WORDS = {
    "Skip to main content": "跳到主要内容", "App pages": "页面导航", "Sidebar": "侧栏", "Main menu": "主菜单",
    "Collapse sidebar": "收起侧栏", "Expand sidebar": "展开侧栏", "Navigate to home page": "返回首页",
    "Page not found": "页面不存在",
    "The page that you have requested does not seem to exist. Running the app's main page.": "您访问的页面不存在，已打开首页。",
    "You have requested page": "您访问的页面", "but it does not seem to exist.": "不存在。",
    "Close": "关闭", "Dismiss": "关闭提示", "Open": "展开", "Cancel": "取消", "Clear all": "全部清除",
    "Clear value": "清除", "Clear selection": "清除选择", "Selected values": "已选项", "Select all": "全选",
    "Choose an option": "请选择", "Select...": "请选择…", "No results": "没有匹配项", "No options to select": "没有可选项",
    "Search": "搜索", "Close Search": "关闭搜索", "Previous Result": "上一个结果", "Next Result": "下一个结果",
    "Download as CSV": "下载 CSV", "Download as PNG": "下载 PNG", "Fullscreen": "全屏查看", "Close fullscreen": "退出全屏",
    "Toggle fullscreen": "切换全屏", "View fullscreen": "全屏查看", "Exit fullscreen": "退出全屏",
    "Show/hide columns": "显示/隐藏列", "Dataframe column menu": "列菜单", "Copy column name": "复制列名",
    "Sort ascending": "升序排列", "Sort descending": "降序排列", "Pin column": "固定列", "Unpin column": "取消固定列",
    "Hide column": "隐藏列", "Autosize": "自动列宽", "Format": "格式", "Show data": "查看数据", "Show chart": "查看图表",
    "Copy Vega-Lite spec": "复制图表定义", "Save as SVG": "保存为 SVG", "Save as PNG": "保存为 PNG",
    "View Source": "查看源代码", "View Compiled Vega": "查看编译结果", "Open in Vega Editor": "在 Vega 编辑器中打开",
    "Vega visualization": "图表", "visualization": "图表", "axis": "坐标轴", "legend": "图例", "bar": "条形",
    "point": "点", "text mark": "文字", "group mark container": "图形组", "rect mark container": "矩形组",
    "symbol mark container": "符号组", "text mark container": "文字组", "rule mark container": "线组", "tick": "刻度",
    "Link to heading": "本节链接", "Scroll tabs right": "标签向右滚动", "Scroll tabs left": "标签向左滚动",
    "Copy to clipboard": "复制到剪贴板", "Copied": "已复制", "Press Enter to apply": "按回车确认",
    "Upload": "上传", "Browse files": "浏览文件", "Drag and drop file here": "将文件拖放到此处",
    "Drag and drop files here": "将文件拖放到此处", "file upload": "上传文件", "Add files": "添加文件",
    "Delete": "删除", "Remove file": "移除文件", "Running...": "正在运行…", "Stop script": "停止运行", "Stop": "停止",
    "Rerun": "重新运行", "Connecting": "正在连接", "Please wait...": "请稍候…", "Notifications": "通知",
    "Previous page": "上一页", "Next page": "下一页", "Pagination": "分页", "Increment": "增加", "Decrement": "减少",
    "Markdown content": "文字内容", "Button action menu": "按钮菜单",
  };
  const PATTERNS = [
    [/^Limit (.+) per file(.*)$/, (m) => "每个文件不超过 " + m[1] + m[2]],
    [/^(\d+\s*[KMG]B) per file(.*)$/, (m) => "每个文件不超过 " + m[1] + m[2]],
    [/^X-axis titled '(.*)' for a (linear|band|ordinal) scale.*$/, (m) => "横轴：" + m[1]],
    [/^Y-axis titled '(.*)' for a (linear|band|ordinal) scale.*$/, (m) => "纵轴：" + m[1]],
    [/^Select all (\d+) matches$/, (m) => "全选 " + m[1] + " 个匹配项"],
    [/^Remove (.+)$/, (m) => "移除 " + m[1]],
    [/^Help for (.+)$/, (m) => m[1] + "：说明"],
    // A toolbar button named after its element ("Download as CSV: 项目库记录表"): translate the verb part.
    [/^([A-Z][A-Za-z /-]+): (.+)$/, (m) => (WORDS[m[1]] ? WORDS[m[1]] + "：" + m[2] : null)],
  ];
  const ATTRIBUTES = ["aria-label", "title", "placeholder", "aria-roledescription", "aria-placeholder"];
  function translate(text) {
    const trimmed = text.trim();
    if (!trimmed || !/[A-Za-z]{3}/.test(trimmed)) { return null; }
    if (Object.prototype.hasOwnProperty.call(WORDS, trimmed)) { return text.replace(trimmed, WORDS[trimmed]); }
    for (const [pattern, make] of PATTERNS) {
      const m = trimmed.match(pattern);
      const done = m && make(m);
      if (done) { return text.replace(trimmed, done); }
    }
    return null;
  }
  // Landmarks get Chinese names too (Streamlit leaves the main and header landmarks unnamed).
  const LANDMARKS = {'[data-testid="stMain"]': "主要内容", '[data-testid="stHeader"]': "页面顶栏"};
  function nameLandmarks() {
    for (const [selector, name] of Object.entries(LANDMARKS)) {
      const el = document.querySelector(selector);
      if (el && el.getAttribute("aria-label") !== name) { el.setAttribute("aria-label", name); }
    }
  }
  function fixElement(el) {
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute(name);
      const done = value && translate(value);
      if (done && done !== value) { el.setAttribute(name, done); }
    }
    if (el.matches('[data-testid="stIconMaterial"]') && el.getAttribute("aria-hidden") !== "true") {
      el.setAttribute("aria-hidden", "true");  // "list_alt" is a glyph, not a word to read out
    }
  }
  function fixTree(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      const done = translate(root.nodeValue);
      if (done && done !== root.nodeValue) { root.nodeValue = done; }
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE || root.closest("script,style,code,pre")) { return; }
    fixElement(root);
    root.querySelectorAll("*").forEach(fixElement);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.parentElement && node.parentElement.closest("code,pre,script,style")) { continue; }
      const done = translate(node.nodeValue);
      if (done && done !== node.nodeValue) { node.nodeValue = done; }
    }
  }
  new MutationObserver((records) => {
    nameLandmarks();
    for (const r of records) {
      if (r.type === "attributes") { fixElement(r.target); }
      else if (r.type === "characterData") { fixTree(r.target); }
      else { r.addedNodes.forEach(fixTree); }
    }
  }).observe(document.documentElement, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES});
  fixTree(document.body);
  nameLandmarks();
  document.documentElement.lang = "zh-CN";
  // Phones: the sidebar covers the page, so a chosen search result or page closes it.
  document.addEventListener("click", (event) => {
    const link = event.target.closest('[data-testid="stSidebar"] a[href]');
    if (!link || !window.matchMedia("(max-width: 768px)").matches) { return; }
    setTimeout(() => {
      const close = document.querySelector('[data-testid="stSidebar"] [data-testid="stSidebarCollapseButton"] button');
      if (close && document.querySelector('[data-testid="stSidebar"][data-collapsed="false"]')) { close.click(); }
    }, 50);
  }, true);
})();
