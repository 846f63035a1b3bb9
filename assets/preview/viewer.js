// The AOI preview's viewer (tasking-ls, src/render/html.rs): pan and zoom the drawing, hover a
// vertex or a marker to read it, click one to pick it, and an optional online tile layer.
// Shared by the HTML page of `tasking-ls preview` and the VS Code webview. No dependencies.
(function () {
  'use strict';
  const state = { data: null, box: null, drag: null, tiles: false };
  const root = document.getElementById('map');
  const tip = document.getElementById('tip');
  const tilesToggle = document.getElementById('tiles');

  function svg() { return root.querySelector('svg'); }
  function setBox(box) {
    state.box = box;
    svg().setAttribute('viewBox', box.map(function (v) { return v.toFixed(2); }).join(' '));
    if (state.tiles) drawTiles();
  }
  function toSvg(event) {
    const m = svg().getScreenCTM();
    if (!m) return [0, 0];
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(m.inverse());
    return [p.x, p.y];
  }
  function pixelsPerUnit() {
    const r = svg().getBoundingClientRect();
    return r.width / state.box[2];
  }
  // The nearest vertex or marker within 8 screen pixels, markers first.
  function pick(event) {
    const d = state.data;
    if (!d) return null;
    const p = toSvg(event);
    const limit = 8 / pixelsPerUnit();
    let best = null;
    let bestD = limit * limit;
    for (const m of d.markers) {
      const dd = (m[0] - p[0]) ** 2 + (m[1] - p[1]) ** 2;
      if (dd <= bestD) { best = { kind: 'marker', item: m }; bestD = dd; }
    }
    if (best) return best;
    for (const v of d.vertices) {
      const dd = (v[0] - p[0]) ** 2 + (v[1] - p[1]) ** 2;
      if (dd <= bestD) { best = { kind: 'vertex', item: v }; bestD = dd; }
    }
    return best;
  }
  function describe(hit) {
    if (hit.kind === 'marker') return hit.item[2] + ': ' + hit.item[3];
    const v = hit.item;
    return 'vertex ' + v[4] + (v[5] > 0 ? ' (ring ' + v[5] + ')' : '') + ': ' +
      v[2].toFixed(6) + ', ' + v[3].toFixed(6) + ' (lon, lat)';
  }
  function offsetOf(hit) { return hit.kind === 'marker' ? hit.item[4] : hit.item[6]; }

  // Web Mercator tiles (the drawing's own projection): x = lon, y = Mercator ordinate, both
  // in degrees; pixel = centre +- (value - c) * scale.
  function drawTiles() {
    const d = state.data;
    const layer = svg().querySelector('#tiles');
    if (!d || !layer || !d.tiles) return;
    layer.innerHTML = '';
    const v = d.view;
    const box = state.box;
    const unitsPerDegree = v.scale;
    const screenPerDegree = unitsPerDegree * pixelsPerUnit();
    const z = Math.max(0, Math.min(19, Math.round(Math.log2(screenPerDegree * 360 / 256))));
    const n = 2 ** z;
    const tileDegrees = 360 / n;
    const x0 = v.cx + (box[0] - v.width / 2) / v.scale;
    const x1 = v.cx + (box[0] + box[2] - v.width / 2) / v.scale;
    const yTop = v.cy - (box[1] - v.height / 2) / v.scale;
    const yBottom = v.cy - (box[1] + box[3] - v.height / 2) / v.scale;
    const tx0 = Math.floor((x0 + 180) / tileDegrees);
    const tx1 = Math.floor((x1 + 180) / tileDegrees);
    const ty0 = Math.max(0, Math.floor((180 - yTop) / tileDegrees));
    const ty1 = Math.min(n - 1, Math.floor((180 - yBottom) / tileDegrees));
    if ((tx1 - tx0 + 1) * (ty1 - ty0 + 1) > 64) return;
    const ns = 'http://www.w3.org/2000/svg';
    for (let tx = tx0; tx <= tx1; tx++) {
      for (let ty = ty0; ty <= ty1; ty++) {
        const lon = tx * tileDegrees - 180;
        const y = 180 - ty * tileDegrees;
        const img = document.createElementNS(ns, 'image');
        const wrapped = ((tx % n) + n) % n;
        img.setAttribute('href', d.tiles.replace('{z}', z).replace('{x}', wrapped).replace('{y}', ty));
        img.setAttribute('x', v.width / 2 + (lon - v.cx) * v.scale);
        img.setAttribute('y', v.height / 2 - (y - v.cy) * v.scale);
        img.setAttribute('width', tileDegrees * v.scale);
        img.setAttribute('height', tileDegrees * v.scale);
        layer.appendChild(img);
      }
    }
  }
  function setTiles(on) {
    state.tiles = on && !!(state.data && state.data.tiles);
    const s = svg();
    if (!s) return;
    let layer = s.querySelector('#tiles');
    if (!layer) {
      layer = document.createElementNS('http://www.w3.org/2000/svg', 'g');
      layer.setAttribute('id', 'tiles');
      layer.setAttribute('clip-path', 'url(#map-area)');
      const sea = s.querySelector('#sea');
      sea.parentNode.insertBefore(layer, sea.nextSibling);
    }
    const land = s.querySelector('#basemap');
    if (land) land.style.display = state.tiles ? 'none' : '';
    layer.style.display = state.tiles ? '' : 'none';
    const credit = document.getElementById('credit');
    if (credit) credit.style.display = state.tiles ? '' : 'none';
    if (state.tiles) drawTiles();
  }

  // Shows a new drawing; keeps the zoom when the size is the same (the text was edited).
  function show(data) {
    const keep = state.box && state.data && state.data.view.width === data.view.width &&
      state.data.view.height === data.view.height && state.data.view.cx === data.view.cx &&
      state.data.view.cy === data.view.cy && state.data.view.scale === data.view.scale;
    const box = state.box;
    state.data = data;
    root.innerHTML = data.svg;
    const s = svg();
    s.removeAttribute('width');
    s.removeAttribute('height');
    s.style.width = '100%';
    s.style.height = '100%';
    setBox(keep ? box : [0, 0, data.size[0], data.size[1]]);
    if (tilesToggle) tilesToggle.parentNode.style.display = data.tiles ? '' : 'none';
    setTiles(tilesToggle ? tilesToggle.checked : false);
  }

  root.addEventListener('wheel', function (event) {
    event.preventDefault();
    const p = toSvg(event);
    const f = Math.exp(event.deltaY * 0.0015);
    const b = state.box;
    setBox([p[0] - (p[0] - b[0]) * f, p[1] - (p[1] - b[1]) * f, b[2] * f, b[3] * f]);
  }, { passive: false });
  root.addEventListener('mousedown', function (event) {
    state.drag = { x: event.clientX, y: event.clientY, box: state.box.slice(), moved: false };
  });
  window.addEventListener('mouseup', function (event) {
    const drag = state.drag;
    state.drag = null;
    if (drag && !drag.moved) {
      const hit = pick(event);
      if (hit && window.taskingPreviewPick) window.taskingPreviewPick(offsetOf(hit), hit);
      if (hit) { tip.textContent = describe(hit); tip.dataset.pinned = '1'; }
    }
  });
  root.addEventListener('mousemove', function (event) {
    const drag = state.drag;
    if (drag) {
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (drag.moved) {
        const k = 1 / pixelsPerUnit();
        setBox([drag.box[0] - dx * k, drag.box[1] - dy * k, drag.box[2], drag.box[3]]);
      }
      return;
    }
    const hit = pick(event);
    root.style.cursor = hit ? 'pointer' : 'grab';
    if (hit) {
      tip.textContent = describe(hit);
      tip.dataset.pinned = '';
    } else if (!tip.dataset.pinned) {
      tip.textContent = 'Scroll to zoom, drag to pan, double-click to reset; hover a vertex.';
    }
  });
  root.addEventListener('dblclick', function () {
    if (state.data) setBox([0, 0, state.data.size[0], state.data.size[1]]);
  });
  if (tilesToggle) tilesToggle.addEventListener('change', function () { setTiles(tilesToggle.checked); });

  window.taskingPreview = { show: show, pick: pick, state: state };
  const initial = document.getElementById('preview-data');
  if (initial) show(JSON.parse(initial.textContent));
})();
