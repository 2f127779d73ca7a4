/* Back returns to a page as it was left, filters included.
 * Filters live in the URL (widgets bound to query parameters), but when another page is
 * opened Streamlit first pushes a bare copy of the page being left (its bound parameters
 * dropped), then the new page: Back came to the bare page.  The URL at the moment a link is
 * followed is remembered; the bare copy becomes that URL instead, so Back finds the page as it was.  Loaded once (ui/chrome.py). */
(function () {
  if (window.__zzpHistory) { return; }
  window.__zzpHistory = true;
  let leaving = null;
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest("a[href]");
    if (link && link.origin === location.origin) { leaving = location.href; }
  }, true);
  const push = history.pushState.bind(history);
  const replace = history.replaceState.bind(history);
  history.pushState = function (state, title, url) {
    const target = url ? new URL(String(url), location.href) : null;
    if (leaving && target) {
      const before = new URL(leaving);
      if (before.pathname === target.pathname) {
        // Streamlit's bare copy of the page being left: keep the page as it was instead.
        return replace(history.state, "", leaving);
      }
      if (before.pathname === location.pathname) { replace(history.state, "", leaving); }
    }
    leaving = null;
    return push(state, title, url);
  };
})();
