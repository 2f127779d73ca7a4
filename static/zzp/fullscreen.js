/* 全屏 button for the plan maps: a Leaflet control on the browser's Fullscreen API.
 * Loaded after Leaflet; the map script adds it with L.control.zzpFullscreen().addTo(map). */
(function () {
  var SVG = 'http://www.w3.org/2000/svg';

  // ⛶ drawn as four corners (an SVG, so it shows whatever fonts the machine has).
  function icon() {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '16');
    svg.setAttribute('height', '16');
    svg.setAttribute('aria-hidden', 'true');
    var path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5');
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', '#333');
    path.setAttribute('stroke-width', '2');
    path.setAttribute('stroke-linecap', 'round');
    path.setAttribute('stroke-linejoin', 'round');
    svg.appendChild(path);
    return svg;
  }

  function shown() { return document.fullscreenElement || document.webkitFullscreenElement || null; }

  L.Control.ZzpFullscreen = L.Control.extend({
    options: {position: 'topleft', title: '全屏', titleCancel: '退出全屏'},

    onAdd: function (map) {
      var options = this.options;
      var container = map.getContainer();
      var box = L.DomUtil.create('div', 'leaflet-bar leaflet-control-fullscreen zzp-fullscreen');
      var button = L.DomUtil.create('a', '', box);
      button.href = '#';
      button.appendChild(icon());
      button.setAttribute('role', 'button');
      function label() {
        var on = shown() === container;
        button.title = on ? options.titleCancel : options.title;
        button.setAttribute('aria-label', button.title);
        button.setAttribute('aria-pressed', on ? 'true' : 'false');
      }
      label();
      if (!(document.fullscreenEnabled || document.webkitFullscreenEnabled)) { box.style.display = 'none'; }
      L.DomEvent.on(button, 'click', function (e) {
        L.DomEvent.preventDefault(e);
        var done;
        if (shown() === container) {
          done = (document.exitFullscreen || document.webkitExitFullscreen).call(document);
        } else {
          done = (container.requestFullscreen || container.webkitRequestFullscreen).call(container);
        }
        if (done && done.catch) { done.catch(function () { /* refused by the browser: stay as is */ }); }
      });
      this._changed = function () { label(); map.invalidateSize(); };
      L.DomEvent.on(document, 'fullscreenchange webkitfullscreenchange', this._changed);
      L.DomEvent.disableClickPropagation(box);
      return box;
    },

    onRemove: function () {
      L.DomEvent.off(document, 'fullscreenchange webkitfullscreenchange', this._changed);
    }
  });

  L.control.zzpFullscreen = function (options) { return new L.Control.ZzpFullscreen(options); };
})();
