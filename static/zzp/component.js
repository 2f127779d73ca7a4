/*
 * The inline map (Streamlit Custom Components v2, no iframe): one Leaflet map per component key,
 * created once and kept on its element, updated in place by every rerun's spec
 * (layers/web/mapspec.py).  A layer is redrawn only when its content hash changes and restyled
 * in place when only its style hash does (a selection); a layer's visibility and the view are
 * applied only when the app asks for something new, so the user's pan, zoom and layer choices
 * survive reruns.  Feature text is shown by zzp.bind/zzp.label (textContent only).  A feature
 * click is sent to Python with setTriggerValue('clicked', …).
 */

// Leaflet, the maps' script and styles: loaded once per page from the app's static files, all
// fetched at once; the scripts run in order (async = false), Leaflet before the code that uses it.
function loadOnce(spec) {
  if (!window.__zzpAssets) {
    const loaded = (node) => new Promise((resolve, reject) => {
      node.onload = resolve;
      node.onerror = () => reject(new Error('地图文件加载失败：' + (node.src || node.href)));
    });
    const css = spec.styles.map((href) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      const done = loaded(link).catch(() => null);  // a missing style must not keep the map from drawing
      document.head.appendChild(link);
      return done;
    });
    const js = spec.scripts.map((src) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = false;
      const done = loaded(script);
      document.head.appendChild(script);
      return done;
    });
    window.__zzpAssets = Promise.all([...js, ...css]);
  }
  return window.__zzpAssets;
}

// The spec arrives as bytes (UTF-8 JSON): Python assembles it from text serialised once.
function decode(data) {
  return JSON.parse(new TextDecoder().decode(data));
}

function createMap(element, spec) {
  // Leaflet focuses the map on mousedown and restores the *window's* scroll; Streamlit scrolls its
  // main area instead, which would jump under the pointer and lose the click: focus without scrolling.
  const focus = element.focus;
  element.focus = (options) => focus.call(element, Object.assign({preventScroll: true}, options));
  const map = L.map(element, {
    center: spec.view.center, zoom: spec.view.zoom, minZoom: 6, zoomSnap: 0.5,
    maxZoom: spec.basemap.maxZoom, preferCanvas: false, zoomControl: false,
  });
  // Leaflet's own words in Chinese: the zoom buttons, the layer button, a popup's close button.
  L.control.zoom({zoomInTitle: '放大', zoomOutTitle: '缩小'}).addTo(map);
  // The controls come first in tab order, the features (focusable, see drawLayer) after them: the
  // controls' box moves before the panes in the DOM (stacking is by z-index, so nothing shows differently).
  element.insertBefore(map._controlContainer, element.firstChild);
  map.on('popupopen', (e) => {
    const close = e.popup.getElement().querySelector('.leaflet-popup-close-button');
    if (close) { close.setAttribute('aria-label', '关闭'); close.title = '关闭'; }
  });
  twoFingers(map, element);
  map.on('tooltipopen', () => element.classList.add('zzp-tip-open'));
  map.on('tooltipclose', () => element.classList.remove('zzp-tip-open'));
  map.attributionControl.setPrefix(spec.attributionPrefix);
  zzp.scale(map);
  L.control.zzpFullscreen().addTo(map);
  const state = {map, layers: new Map(), tiles: [], basemap: null, view: null, legend: null,
                 legendHtml: null, control: opacityLayers({collapsed: true, position: 'topright'}),
                 groups: [], titles: [], sync: null, send: null};
  state.control.addTo(map);
  map.on('overlayadd', (e) => { if (e.layer.__zzpWanted && state.want) { state.want(e.layer.__zzpWanted); } });
  const toggle = state.control.getContainer().querySelector('.leaflet-control-layers-toggle');
  toggle.title = '图层';
  toggle.setAttribute('aria-label', '图层');
  return state;
}

// On a touch screen one finger scrolls the page (the map is long, the page longer) and two move the
// map: Leaflet's dragging is on only while two fingers touch; a one-finger swipe shows a short hint.
function twoFingers(map, element) {
  if (!(navigator.maxTouchPoints > 0 || 'ontouchstart' in window)) { return; }
  map.dragging.disable();
  const hint = document.createElement('div');
  hint.className = 'zzp-touch-hint';
  hint.textContent = '双指移动地图';
  hint.setAttribute('aria-hidden', 'true');
  element.appendChild(hint);
  let timer = null;
  element.addEventListener('touchstart', (e) => {
    if (e.touches.length >= 2) { map.dragging.enable(); hint.classList.remove('shown'); }
  }, {passive: true});
  element.addEventListener('touchmove', (e) => {
    if (e.touches.length !== 1 || map.dragging.enabled()) { return; }
    hint.classList.add('shown');
    clearTimeout(timer);
    timer = setTimeout(() => hint.classList.remove('shown'), 1200);
  }, {passive: true});
  const end = (e) => { if (e.touches.length === 0) { map.dragging.disable(); } };
  element.addEventListener('touchend', end, {passive: true});
  element.addEventListener('touchcancel', end, {passive: true});
}

// The layer list with a small opacity slider under each drawn overlay (Leaflet rebuilds the list's
// rows whenever a layer joins or leaves, so the slider is added where each row is made).
// (Made when the map is: Leaflet is loaded after this module.)
function opacityLayers(options) {
  const Control = L.Control.Layers.extend({_addItem(obj) {
    const label = L.Control.Layers.prototype._addItem.call(this, obj);
    const group = obj.layer;
    if (obj.overlay && !group.__zzpWanted) {
      const slider = document.createElement('input');
      slider.type = 'range';
      slider.min = '0.1';
      slider.max = '1';
      slider.step = '0.1';
      slider.value = String(group.__zzpOpacity || 1);
      slider.className = 'zzp-opacity';
      slider.setAttribute('aria-label', '透明度：' + (label.textContent || '').trim());
      L.DomEvent.disableClickPropagation(slider);
      slider.addEventListener('input', () => { group.__zzpOpacity = Number(slider.value); fade(group); });
      label.appendChild(slider);
    }
    return label;
  }});
  return new Control(null, null, options);
}

// A layer's opacity (the slider's) on each of its drawn features.
function fade(group) {
  const value = group.__zzpOpacity || 1;
  group.eachLayer(function each(l) {
    if (l.eachLayer) { l.eachLayer(each); return; }
    const node = l.getElement && l.getElement();
    if (node) { node.style.opacity = value === 1 ? '' : String(value); }
  });
}

function applyBasemap(state, spec) {
  const key = JSON.stringify(spec.basemap);
  if (state.basemap === key) { return; }
  state.tiles.forEach((tile) => state.map.removeLayer(tile));
  state.tiles = spec.basemap.tiles.map((t) => L.tileLayer(t.url, {
    subdomains: t.subdomains, maxZoom: spec.basemap.maxZoom, attribution: spec.basemap.attribution,
  }).addTo(state.map));
  state.tiles.forEach((tile) => tile.bringToBack());
  state.map.setMaxZoom(spec.basemap.maxZoom);
  state.basemap = key;
}

// A layer's features (and labels); styles are read from entry.layer, so a restyle needs no redraw.
function drawLayer(state, entry) {
  const layer = entry.layer;
  const styleOf = (f) => entry.layer.styleOf[index(entry.layer, f.properties)];
  entry.features = L.geoJSON(layer.features, {
    style: (f) => entry.layer.styles[styleOf(f)],
    pointToLayer: (f, latlng) => L.circleMarker(latlng, {radius: layer.radius, fill: true}),
    onEachFeature: (f, l) => {
      zzp.bind(f, l, layer.config);
      l.on('mouseover', () => l.setStyle(entry.layer.highlights[styleOf(f)]));
      l.on('mouseout', () => l.setStyle(entry.layer.styles[styleOf(f)]));
      l.on('click', (e) => {
        const near = layer.point && !e.zzpChosen ? nearby(state, l) : [];
        if (near.length > 1) { choose(state, near, l.getLatLng()); return; }
        if (state.send) { state.send(f.properties); }
      });
      l.on('add', () => focusable(l, f.properties[layer.config.title] || layer.title));
    },
  });
  entry.group.addLayer(entry.features);
  if (layer.label) {
    entry.group.addLayer(L.geoJSON(layer.labels, {
      pointToLayer: (f, latlng) => L.marker(latlng, {
        icon: L.divIcon({className: 'zzp-label-icon'}), interactive: false, keyboard: false}),
      onEachFeature: (f, l) => zzp.label(f, l, layer.label),
    }));
  }
}

// Point features drawn within NEAR px of a marker (itself included), in every point layer shown.
const NEAR = 12;
function nearby(state, marker) {
  const here = state.map.latLngToContainerPoint(marker.getLatLng());
  const found = [];
  state.layers.forEach((entry) => {
    if (!entry.layer.point || !entry.features || !state.map.hasLayer(entry.group)) { return; }
    entry.features.eachLayer((m) => {
      if (state.map.latLngToContainerPoint(m.getLatLng()).distanceTo(here) <= NEAR) {
        found.push({marker: m, name: m.feature.properties[entry.layer.config.title] || entry.layer.title, layer: entry.layer.title});
      }
    });
  });
  return found;
}

// Markers that overlap cannot be told apart by a tap: a short list of their names, one button each.
function choose(state, near, latlng) {
  state.map.closePopup();
  if (state.chooser) { state.chooser.remove(); }
  const box = document.createElement('div');
  box.className = 'zzp-chooser';
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-label', '此处有多个要素');
  const heading = document.createElement('div');
  heading.className = 'zzp-chooser-title';
  heading.textContent = '此处有多个要素：';
  box.appendChild(heading);
  near.forEach((item) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = item.name;
    button.title = item.layer;
    button.addEventListener('click', () => {
      close();
      item.marker.fire('click', {latlng: item.marker.getLatLng(), zzpChosen: true});
    });
    box.appendChild(button);
  });
  const point = state.map.latLngToContainerPoint(latlng);
  box.style.left = Math.round(point.x + 10) + 'px';
  box.style.top = Math.round(point.y + 10) + 'px';
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  state.map.getContainer().appendChild(box);
  const close = () => { box.remove(); state.map.off('click zoomstart movestart', close); state.chooser = null; };
  box.addEventListener('keydown', (e) => { if (e.key === 'Escape') { close(); } });
  state.map.on('click zoomstart movestart', close);
  state.chooser = box;
  box.querySelector('button').focus({preventScroll: true});
}

// A feature reached by Tab, named for screen readers, opened with Enter or Space as by a click.
function focusable(l, name) {
  const node = l.getElement && l.getElement();
  if (!node || node.__zzpFocusable) { return; }
  node.__zzpFocusable = true;
  node.setAttribute('tabindex', '0');
  node.setAttribute('role', 'button');
  node.setAttribute('aria-label', String(name));
  node.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') { return; }
    e.preventDefault();
    e.stopPropagation();
    const latlng = l.getLatLng ? l.getLatLng() : l.getCenter();
    l.fire('click', {latlng, originalEvent: e});
  });
}

// A feature's position in its layer's list, by its row (the style index runs parallel to the list).
function index(layer, props) {
  if (!layer.rows) {
    layer.rows = new Map(layer.features.features.map((f, i) => [f.properties._row, i]));
  }
  return layer.rows.get(props._row);
}

function restyle(entry) {
  entry.features.eachLayer((l) => l.setStyle(entry.layer.styles[entry.layer.styleOf[index(entry.layer, l.feature.properties)]]));
}

function applyLayers(state, spec) {
  const wanted = new Set(spec.layers.map((l) => l.id));
  let changed = false;
  state.layers.forEach((entry, id) => {
    if (!wanted.has(id)) {
      state.map.removeLayer(entry.group);
      state.control.removeLayer(entry.group);
      state.layers.delete(id);
    }
  });
  spec.layers.forEach((layer) => {
    let entry = state.layers.get(layer.id);
    if (!entry) {
      entry = {group: L.featureGroup(), hash: null, visible: null, wanted: fromPlaceholder(state, layer.id)};
      state.layers.set(layer.id, entry);
      state.control.addOverlay(entry.group, layer.name);
    }
    const previous = entry.layer;
    entry.layer = layer;
    if (entry.hash !== layer.hash) {  // other features or labels: redraw the layer
      entry.group.clearLayers();
      drawLayer(state, entry);
      entry.group.once('add', () => fade(entry.group));
      if (state.map.hasLayer(entry.group)) { fade(entry.group); }
      entry.hash = layer.hash;
      changed = true;
    } else if (previous.styleHash !== layer.styleHash) {  // only styles (a selection): restyle, popups stay open
      restyle(entry);
    }
    if (entry.visible !== layer.visible) {  // the app asked for something new: apply it
      const shown = state.map.hasLayer(entry.group);
      if (layer.visible) { entry.group.addTo(state.map); } else { state.map.removeLayer(entry.group); }
      if (entry.visible !== null && shown !== layer.visible) {  // as if toggled: legend row and URL follow
        state.map.fire(layer.visible ? 'overlayadd' : 'overlayremove', {layer: entry.group, name: layer.name});
      }
      if (entry.wanted && layer.visible) {  // asked for in the layer list: legend row and URL follow
        state.map.fire('overlayadd', {layer: entry.group, name: layer.name});
        entry.wanted = false;
      }
      entry.visible = layer.visible;
      changed = true;
    }
  });
  // Drawing order follows the spec (areas, lines, points), also for layers added later.  Only after
  // a change: bringing a path to the front re-inserts it, which would swallow a click in progress.
  if (changed) {
    spec.layers.forEach((layer) => {
      const group = state.layers.get(layer.id).group;
      if (state.map.hasLayer(group)) { group.bringToFront(); }
    });
  }
  // zzp.sync and zzp.legend read these arrays: keep the same arrays, new contents.
  state.groups.splice(0, state.groups.length, ...spec.layers.map((l) => [state.layers.get(l.id).group, l.id]));
  state.titles.splice(0, state.titles.length, ...spec.layers.map((l) => [state.layers.get(l.id).group, l.title]));
}

// Catalog layers this page did not send: listed (after the page's own) and sent when turned on,
// through the 'wanted' trigger (one rerun); the layer that arrives replaces its placeholder.
function applyMore(state, spec) {
  state.more = state.more || new Map();
  (spec.more || []).forEach((item) => {
    if (state.more.has(item.id) || state.layers.has(item.id)) { return; }
    const placeholder = L.layerGroup();
    placeholder.__zzpWanted = item.id;
    state.more.set(item.id, placeholder);
    state.control.addOverlay(placeholder, item.name);
  });
}

function fromPlaceholder(state, id) {
  const placeholder = state.more && state.more.get(id);
  if (!placeholder) { return false; }
  state.control.removeLayer(placeholder);
  state.map.removeLayer(placeholder);
  state.more.delete(id);
  return true;
}

function applyLegend(state, spec) {
  if (state.legendHtml !== spec.legend) {
    if (state.legend) { state.legend.remove(); }
    state.legend = zzp.legend(state.map, spec.legend, state.titles);
    state.legendHtml = spec.legend;
  }
  state.layers.forEach((entry) => state.legend(entry.layer.title, state.map.hasLayer(entry.group)));
}

function applySync(state, spec) {
  if (!spec.sync) {  // a map that keeps no permalink (a record's): clicks must not write another map's URL
    if (!state.sync) { zzp.onSelect = null; }
    return;
  }
  if (!state.sync) {
    state.sync = Object.assign({}, spec.sync);
    zzp.sync(state.map, state.sync, state.groups);
  }
  state.sync.basemap = spec.sync.basemap;  // read on every URL write
}

// A new request moves the map, unless it is the view the map already shows: the permalink the map
// wrote itself (4 decimals) comes back with the rerun a click starts, and must not nudge the map.
function applyView(state, spec) {
  if (state.view === spec.view.nonce) { return; }
  state.view = spec.view.nonce;
  const c = state.map.getCenter();
  const [lat, lng] = spec.view.center;
  if (spec.view.bounds) {  // fitted to the map's own size: the whole city (or a county) at any window size
    state.map.fitBounds(spec.view.bounds, {padding: [6, 6], animate: false});
    return;
  }
  if (spec.view.zoom === state.map.getZoom() &&
      Math.abs(c.lat - lat) < 1e-4 && Math.abs(c.lng - lng) < 1e-4) { return; }
  state.map.setView(spec.view.center, spec.view.zoom);
}

export default function (component) {
  const {data, key, parentElement, setTriggerValue} = component;
  let element = parentElement.querySelector('.zzp-map');
  if (!element) {
    element = document.createElement('div');
    element.className = 'zzp-map';
    element.setAttribute('role', 'region');
    parentElement.appendChild(element);
  }
  if (element.__zzpKey !== key) {  // the element now hosts another map (another page's): start afresh
    if (element.__zzp) { element.__zzp.map.remove(); }
    element.__zzp = null;
    element.__zzpData = null;
    element.__zzpKey = key;
  }
  if (element.__zzpData === data) { return; }  // rendered again with the same data: nothing to apply
  element.__zzpData = data;
  const spec = decode(data);
  element.style.height = spec.height + 'px';
  element.setAttribute('aria-label', spec.label);
  loadOnce(spec).then(() => {
    const state = element.__zzp || (element.__zzp = createMap(element, spec));
    state.send = spec.clicks ? (props) => setTriggerValue('clicked', props) : null;
    state.want = (id) => setTriggerValue('wanted', id);
    element.classList.toggle('zzp-clean', !!spec.clean);
    applyBasemap(state, spec);
    applyLayers(state, spec);
    applyMore(state, spec);
    applyLegend(state, spec);
    applySync(state, spec);
    state.map.invalidateSize();
    applyView(state, spec);  // after the size is known: a fit depends on it
  }).catch((err) => {
    if (element.__zzp) { console.error(err); return; }  // keep the map that is there
    element.textContent = '地图无法加载：' + err.message;
  });
}
