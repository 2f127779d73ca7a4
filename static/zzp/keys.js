/* Enter chooses a table row, as a mouse click on it does.
 * Streamlit's tables (glide-data-grid) select a row with Shift+Space only, which few keyboard
 * users know; in a table that opens what is chosen (地图要素列表, 项目库) Enter is the expected
 * key.  Enter on a cell is passed on as Shift+Space; nothing else changes.  Loaded once (ui/chrome.py). */
(function () {
  if (window.__zzpKeys) { return; }
  window.__zzpKeys = true;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey || !event.isTrusted) { return; }
    const target = event.target;
    if (!(target instanceof Element) || !target.closest('[data-testid="stDataFrame"]')) { return; }
    if (!target.closest('[role="gridcell"], [role="row"], [data-testid="data-grid-canvas"]')) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    target.dispatchEvent(new KeyboardEvent("keydown", {key: " ", code: "Space", keyCode: 32, shiftKey: true, bubbles: true, cancelable: true}));
  }, true);
})();
