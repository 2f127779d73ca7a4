/*
 * The plan maps' browser code, loaded after Leaflet like any Leaflet plugin (window.zzp).
 *
 * Feature text (tooltips, popups, labels) is set with textContent only, so a hostile property
 * value shows as text and never runs; the legend is HTML the server escaped; links carry
 * encoded ids.  sync() keeps the page URL equal to the view (a permalink) without rerunning Python.
 */
window.zzp = window.zzp || (function () {
  var SVG = '<svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="#333" stroke-width="2" ' +
            'stroke-linecap="round" stroke-linejoin="round" style="vertical-align:middle">';
  var ICONS = {
    link: SVG + '<path d="M10 13a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1"/><path d="M14 11a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1"/></svg>',
    print: SVG + '<path d="M6 9V3h12v6"/><rect x="3" y="9" width="18" height="8" rx="1"/><path d="M6 14h12v7H6z"/></svg>',
    done: SVG + '<path d="M5 12l5 5 9-10"/></svg>'
  };
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) {
      e.textContent = (typeof text === 'object') ? JSON.stringify(text) : String(text);
    }
    return e;
  }
  function rows(props, fields, labels) {
    var t = el('table', 'zzp-table');
    fields.forEach(function (f) {
      var v = props[f];
      if (v === null || v === undefined || v === '') { return; }
      var tr = el('tr');
      tr.appendChild(el('th', '', labels[f] || f));
      tr.appendChild(el('td', '', v));
      t.appendChild(tr);
    });
    return t;
  }
  function go(url) {
    // The map lives in a sandboxed iframe that may not navigate the top window itself;
    // a link clicked in the top document may (same origin).  Fall back to a new tab.
    try {
      var doc = window.top.document;
      var a = doc.createElement('a');
      a.href = url;
      doc.body.appendChild(a);
      a.click();
      a.remove();
    } catch (err) {
      window.open(url, '_blank');
    }
  }
  function card(props, cfg, fields, withLink) {
    var d = el('div', 'zzp-tip');
    d.appendChild(el('div', 'zzp-title', props[cfg.title] || ''));
    d.appendChild(rows(props, fields, cfg.labels));
    if (withLink && cfg.record && props[cfg.record]) {
      var a = el('a', 'zzp-detail', '详情 ›');
      a.href = cfg.detail + encodeURIComponent(props[cfg.record]);
      a.target = '_top';
      a.addEventListener('click', function (e) { e.preventDefault(); go(a.href); });
      d.appendChild(a);
    }
    return d;
  }
  // Labels never overprint: after each zoom or layer change, a label whose box touches one of
  // higher priority (lower number; the same number: the one added first) is hidden until there is room.
  function declutter(map) {
    var spans = Array.prototype.slice.call(map.getContainer().querySelectorAll('.zzp-label'));
    spans.forEach(function (s, i) { s.classList.remove('zzp-hidden'); s._zzpOrder = i; });
    spans.sort(function (a, b) {
      return (Number(a.dataset.priority) - Number(b.dataset.priority)) || (a._zzpOrder - b._zzpOrder);
    });
    var shown = [];
    spans.forEach(function (s) {
      var r = s.getBoundingClientRect();
      if (!r.width) { return; }
      var hit = shown.some(function (o) { return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom; });
      if (hit) { s.classList.add('zzp-hidden'); } else { shown.push(r); }
    });
  }
  function declutterLater(map) {
    if (!map) { return; }
    if (!map._zzpDeclutter) {
      map._zzpDeclutter = function () { clearTimeout(map._zzpDeclutterTimer); map._zzpDeclutterTimer = setTimeout(function () { declutter(map); }, 60); };
      map.on('zoomend moveend overlayadd overlayremove', map._zzpDeclutter);
    }
    map._zzpDeclutter();
  }
  return {
    bind: function (feature, layer, cfg) {
      var p = feature.properties || {};
      layer.bindTooltip(function () { return card(p, cfg, cfg.tooltip, false); },
                        {sticky: cfg.geometry !== 'Point'});
      // No autoPan: a click must never move the map (the moved view would also be saved in the permalink).
      layer.bindPopup(function () { return card(p, cfg, cfg.popup, true); }, {maxWidth: 360, autoPan: false});
      layer.on('click', function () { zzp.select(p[cfg.record] || (cfg.layer + ':' + (p.name || ''))); });
    },
    label: function (feature, layer, cfg) {
      var p = feature.properties || {};
      var span = el('span', 'zzp-label' + (cfg.muted ? ' muted' : '') + (cfg.minor ? ' minor' : ''), p[cfg.field]);
      if (/^#[0-9a-fA-F]{6}$/.test(p._colour || '')) { span.style.color = p._colour; }
      span.dataset.priority = String(cfg.priority || 0);
      var angle = Number(p._angle);
      var dx = Number(p._dx);
      if (angle && isFinite(angle)) {  // along a line: degrees counter-clockwise, the screen turns clockwise
        span.style.transform = 'translate(-50%,-50%) rotate(' + (-angle).toFixed(1) + 'deg)';
      } else if (dx > 0 && isFinite(dx)) {  // beside a point symbol, not over it
        span.style.transform = 'translate(' + dx.toFixed(0) + 'px,-50%)';
      }
      layer.setIcon(L.divIcon({className: 'zzp-label-icon', html: span, iconSize: null}));
      layer.on('add', function () { declutterLater(layer._map); });
    },
    scale: function (map) { L.control.scale({imperial: false, maxWidth: 160}).addTo(map); },
    sync: function (map, cfg, groups) {
      // Keep the top window's URL equal to the view (a permalink), without rerunning Python.
      var selected = cfg.selected || null;
      function visibleIds() {
        return groups.filter(function (g) { return map.hasLayer(g[0]); }).map(function (g) { return g[1]; });
      }
      function url(path, extra) {
        var top = window.top.location;
        var u = new URL(path ? cfg.base + '/' + path : top.href, top.href);
        var c = map.getCenter();
        u.searchParams.set('bm', cfg.basemap);
        u.searchParams.set('layers', visibleIds().join(','));
        u.searchParams.set('c', c.lat.toFixed(4) + ',' + c.lng.toFixed(4));
        u.searchParams.set('z', String(map.getZoom()));
        if (selected) { u.searchParams.set('sel', selected); } else { u.searchParams.delete('sel'); }
        Object.keys(extra || {}).forEach(function (k) { u.searchParams.set(k, extra[k]); });
        return u.toString().replace(/%2C/g, ',');
      }
      var timer = null;
      function push() {
        clearTimeout(timer);
        timer = setTimeout(function () {
          try { window.top.history.replaceState(window.top.history.state, '', url()); } catch (e) { /* not same-origin */ }
        }, 250);
      }
      map.on('moveend overlayadd overlayremove', push);
      this.onSelect = function (id) { selected = id; push(); };
      var tools = L.control({position: 'topleft'});
      tools.onAdd = function () {
        var box = L.DomUtil.create('div', 'leaflet-bar zzp-tools');
        function button(icon, title, act) {
          var a = L.DomUtil.create('a', '', box);
          a.href = '#'; a.innerHTML = ICONS[icon]; a.title = title; a.setAttribute('role', 'button');
          a.setAttribute('aria-label', title);
          L.DomEvent.on(a, 'click', function (e) { L.DomEvent.preventDefault(e); act(a); });
          return a;
        }
        button('link', '复制本视图链接', function (a) {
          var link = url();
          var done = function () { a.innerHTML = ICONS.done; setTimeout(function () { a.innerHTML = ICONS.link; }, 1500); };
          if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(link).then(done, function () { window.prompt('复制链接', link); });
          } else { window.prompt('复制链接', link); }
        });
        button('print', '以当前视图出简报图', function () {
          var b = map.getBounds();
          go(url('briefing', {
            from: cfg.page,
            bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(4); }).join(',')
          }));
        });
        L.DomEvent.disableClickPropagation(box);
        return box;
      };
      tools.addTo(map);
    },
    select: function (id) { if (this.onSelect) { this.onSelect(id); } },
    hideLater: function (map, groups) {
      setTimeout(function () { groups.forEach(function (g) { map.removeLayer(g); }); }, 0);
    },
    legend: function (map, html, groups) {
      var box = L.control({position: 'bottomleft'});  // the city is a north–south ribbon: the lower left is neighbours
      box.onAdd = function () {
        var d = L.DomUtil.create('div');
        d.innerHTML = html;
        var panel = d.firstChild;
        // Collapsed by default on small screens so the legend never hides the map.
        if (map.getSize().x < 640) { panel.classList.add('collapsed'); }
        var title = panel.querySelector('.zzp-legend-title');
        title.setAttribute('role', 'button');
        title.setAttribute('tabindex', '0');
        function flip() {
          panel.classList.toggle('collapsed');
          title.setAttribute('aria-expanded', String(!panel.classList.contains('collapsed')));
        }
        title.setAttribute('aria-expanded', String(!panel.classList.contains('collapsed')));
        title.addEventListener('click', flip);
        title.addEventListener('keydown', function (e) {  // a button: Enter and Space work as a click
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); e.stopPropagation(); flip(); }
        });
        L.DomEvent.disableClickPropagation(d);
        L.DomEvent.disableScrollPropagation(d);
        return d;
      };
      box.addTo(map);
      function toggle(name, shown) {
        var sel = box.getContainer().querySelectorAll('.zzp-legend-row');
        sel.forEach(function (row) { if (row.dataset.layer === name) { row.style.display = shown ? '' : 'none'; } });
      }
      function titleOf(layer) {
        var found = groups.filter(function (g) { return g[0] === layer; })[0];
        return found ? found[1] : null;
      }
      map.on('overlayadd', function (e) { toggle(titleOf(e.layer), true); });
      map.on('overlayremove', function (e) { toggle(titleOf(e.layer), false); });
      toggle.remove = function () { box.remove(); };  // the inline map swaps its legend when its layers change
      return toggle;
    }
  };
})();
