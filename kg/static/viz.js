// The graph page: a canvas renderer with pan, zoom, search and a detail panel.
// Everything it needs is in the page (#kg-data); it fetches nothing.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = data.nodes, edges = data.edges;
  var canvas = document.getElementById("kg-canvas");
  var ctx = canvas.getContext("2d");
  var panel = document.getElementById("kg-panel");
  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var EDGE_STYLE = {
    visited: { colour: "rgba(60,60,60,0.85)", width: 1.6, dash: [], arrow: true },
    located_in: { colour: "rgba(120,120,120,0.7)", width: 1, dash: [4, 3], arrow: true },
    holds_post: { colour: "rgba(31,119,180,0.6)", width: 1.2, dash: [], arrow: true },
    cooccurs: { colour: "rgba(0,0,0,0.07)", width: 0.7, dash: [], arrow: false }
  };
  var OTHER_EDGE = { colour: "rgba(0,0,0,0.25)", width: 1, dash: [], arrow: false };
  var view = { scale: 1, x: 0, y: 0, fitScale: 1 };
  var width = 0, height = 0;
  var selected = -1;
  var mode = "graph", mapFocus = null, lastLabels = [];
  var map = data.map;
  var neighbours = {};
  var incident = nodes.map(function () { return []; });
  edges.forEach(function (e, i) {
    incident[e.s].push(i);
    if (e.t !== e.s) incident[e.t].push(i);
  });
  nodes.forEach(function (n) { n.r = Math.min(16, 4 + 1.8 * Math.sqrt(n.degree || 0)); });
  // In a big view only the best-linked names are written until one zooms in.
  var labelled = nodes.length <= 80 ? 0 : nodes.map(function (n) { return n.degree; })
    .sort(function (a, b) { return b - a; })[Math.min(nodes.length - 1, 40)];

  function toScreen(n) { return [n.x * view.scale + view.x, n.y * view.scale + view.y]; }

  function resize() {
    var rect = canvas.getBoundingClientRect();
    var dpr = window.devicePixelRatio || 1;
    width = Math.max(1, rect.width); height = Math.max(1, rect.height);
    canvas.width = Math.round(width * dpr); canvas.height = Math.round(height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  function fit() {
    if (mode === "map") return fitMap();
    if (!nodes.length) return;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    nodes.forEach(function (n) {
      minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x);
      minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y);
    });
    // Room on the right for the names written beside the rightmost nodes.
    ctx.font = "13px " + FONT;
    var right = 30;
    nodes.forEach(function (n) {
      if (n.x >= maxX - 0.25 * (maxX - minX)) right = Math.max(right, ctx.measureText(n.label).width + n.r + 12);
    });
    right = Math.min(right, 0.35 * width);
    var left = 30, top = 50, bottom = 30;
    var sx = (width - left - right) / Math.max(1e-6, maxX - minX);
    var sy = (height - top - bottom) / Math.max(1e-6, maxY - minY);
    view.scale = view.fitScale = Math.max(1e-3, Math.min(sx, sy));
    view.x = left + (width - left - right) / 2 - view.scale * (minX + maxX) / 2;
    view.y = top + (height - top - bottom) / 2 - view.scale * (minY + maxY) / 2;
  }

  function fitMap() {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    map.divisions.forEach(function (d) {
      if (!d.name) return;
      d.rings.forEach(function (ring) {
        ring.forEach(function (p) {
          minX = Math.min(minX, p[0]); maxX = Math.max(maxX, p[0]);
          minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]);
        });
      });
    });
    var padX = 0.1 * (maxX - minX) + 0.3, padY = 0.1 * (maxY - minY) + 0.3;
    minX -= padX; maxX += padX; minY -= padY; maxY += padY;
    var top = 50, bottom = 70;
    view.scale = view.fitScale = Math.min(width / (maxX - minX), (height - top - bottom) / (maxY - minY));
    view.x = width / 2 - view.scale * (minX + maxX) / 2;
    view.y = top + (height - top - bottom) / 2 - view.scale * (minY + maxY) / 2;
  }

  // Labels are placed one by one, most important first, each at the first spot beside its
  // point (right, left, above, below, then further out) that covers no label already placed;
  // one that finds none is left out until a zoom makes room.
  function placeLabels(items, obstacles) {
    var placed = [], blocked = (obstacles || []).slice();
    ctx.font = "13px " + FONT;
    items.forEach(function (it) {
      var w = ctx.measureText(it.text).width, h = 16, r = it.r + 3;
      var spots = [[r, -h / 2], [-r - w, -h / 2], [-w / 2, -r - h], [-w / 2, r],
                   [r, -h - 4], [r, 4], [-r - w, -h - 4], [-r - w, 4]];
      for (var k = 0; k < spots.length; k++) {
        var box = { x: it.x + spots[k][0], y: it.y + spots[k][1], w: w, h: h, text: it.text };
        var free = placed.concat(blocked).every(function (b) {
          return box.x >= b.x + b.w || b.x >= box.x + box.w || box.y >= b.y + b.h || b.y >= box.y + box.h;
        });
        if (free) { placed.push(box); break; }
      }
    });
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    placed.forEach(function (b) {
      ctx.globalAlpha = 1;
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(b.text, b.x, b.y + b.h / 2);
      ctx.fillStyle = "#222";
      ctx.fillText(b.text, b.x, b.y + b.h / 2);
    });
    lastLabels = placed;
  }

  function ringPath(d) {
    ctx.beginPath();
    d.rings.forEach(function (ring) {
      ring.forEach(function (p, k) {
        var x = p[0] * view.scale + view.x, y = p[1] * view.scale + view.y;
        if (k) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      });
      ctx.closePath();
    });
  }

  function drawMap() {
    ctx.lineJoin = "round";
    map.divisions.forEach(function (d) {
      ringPath(d);
      ctx.fillStyle = d.name ? d.colour : "#eeeeee";
      ctx.fill();
      ctx.lineWidth = d.name ? 0.8 : 0.5;
      ctx.strokeStyle = d.name ? "#444444" : "#ffffff";
      ctx.stroke();
    });
    map.provinces.forEach(function (d) {
      ringPath(d); ctx.lineWidth = 1.4; ctx.strokeStyle = "#555555"; ctx.stroke();
    });
    var items = [];
    map.divisions.forEach(function (d) {
      if (!d.name) return;
      if (d.code === mapFocus) { ringPath(d); ctx.lineWidth = 3; ctx.strokeStyle = "#000000"; ctx.stroke(); }
      var x = d.at[0] * view.scale + view.x, y = d.at[1] * view.scale + view.y;
      items.push({ text: d.name + " " + d.trips + " 次出行，" + d.visits + " 条视察", x: x, y: y, r: 2,
                   focus: d.code === mapFocus });
    });
    items.sort(function (a, b) { return (b.focus ? 1 : 0) - (a.focus ? 1 : 0); });
    placeLabels(items);
    ctx.font = "12px " + FONT;
    var y = height - 12 - 18 * map.legend.length;
    map.legend.forEach(function (l, k) {
      ctx.fillStyle = l.colour; ctx.fillRect(12, y + 18 * k - 6, 22, 12);
      ctx.strokeStyle = "#444"; ctx.lineWidth = 0.6; ctx.strokeRect(12, y + 18 * k - 6, 22, 12);
      ctx.fillStyle = "#222"; ctx.fillText(l.label, 40, y + 18 * k);
    });
    ctx.fillStyle = "#666"; ctx.fillText("边界：" + map.source + "，按 GB/T 2260 代码对应", 12, height - 10);
  }

  function setMode(m) {
    mode = map ? m : "graph";
    document.getElementById("kg-tab-graph").classList.toggle("kg-on", mode === "graph");
    document.getElementById("kg-tab-map").classList.toggle("kg-on", mode === "map");
    fit();
    draw();
  }

  function showMap(code) {
    mapFocus = code;
    setMode("map");
  }

  function arrow(x1, y1, x2, y2, r) {
    var a = Math.atan2(y2 - y1, x2 - x1);
    var tx = x2 - Math.cos(a) * (r + 1), ty = y2 - Math.sin(a) * (r + 1);
    ctx.beginPath();
    ctx.moveTo(tx, ty);
    ctx.lineTo(tx - 8 * Math.cos(a - 0.4), ty - 8 * Math.sin(a - 0.4));
    ctx.lineTo(tx - 8 * Math.cos(a + 0.4), ty - 8 * Math.sin(a + 0.4));
    ctx.closePath();
    ctx.fill();
  }

  function showLabel(i) {
    var n = nodes[i];
    if (i === selected || neighbours[i]) return true;
    if (selected >= 0 && nodes.length > 80) return false;
    return n.degree >= labelled || view.scale > 2.5 * view.fitScale;
  }

  function draw() {
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    if (mode === "map") return drawMap();
    var focus = selected >= 0;
    edges.forEach(function (e) {
      var st = EDGE_STYLE[e.rel] || OTHER_EDGE;
      var on = focus && (e.s === selected || e.t === selected);
      var a = toScreen(nodes[e.s]), b = toScreen(nodes[e.t]);
      ctx.globalAlpha = focus && !on ? 0.25 : 1;
      ctx.strokeStyle = on ? "rgba(20,20,20,0.95)" : st.colour;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = on ? st.width + 1 : st.width;
      ctx.setLineDash(st.dash);
      ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
      ctx.setLineDash([]);
      if (st.arrow) arrow(a[0], a[1], b[0], b[1], nodes[e.t].r);
    });
    nodes.forEach(function (n, i) {
      var p = toScreen(n);
      ctx.globalAlpha = focus && i !== selected && !neighbours[i] ? 0.3 : 1;
      ctx.beginPath(); ctx.arc(p[0], p[1], n.r, 0, 2 * Math.PI);
      ctx.fillStyle = data.colours[n.type] || "#777";
      ctx.fill();
      ctx.lineWidth = i === selected ? 3 : 1;
      ctx.strokeStyle = i === selected ? "#000" : "#fff";
      ctx.stroke();
    });
    var items = [];
    nodes.forEach(function (n, i) {
      if (!showLabel(i)) return;
      var p = toScreen(n);
      items.push({ text: n.label, x: p[0], y: p[1], r: n.r, rank: i === selected ? 2 : neighbours[i] ? 1 : 0, deg: n.degree });
    });
    items.sort(function (a, b) { return b.rank - a.rank || b.deg - a.deg || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0); });
    // the dots are obstacles too: a name never covers another node
    placeLabels(items, nodes.map(function (n) {
      var p = toScreen(n);
      return { x: p[0] - n.r, y: p[1] - n.r, w: 2 * n.r, h: 2 * n.r };
    }));
    ctx.globalAlpha = 1;
  }

  function hit(x, y) {
    if (mode === "map") return -1;
    for (var i = nodes.length - 1; i >= 0; i--) {
      var p = toScreen(nodes[i]), dx = p[0] - x, dy = p[1] - y, r = nodes[i].r + 3;
      if (dx * dx + dy * dy <= r * r) return i;
    }
    return -1;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function nodeLink(j) {
    var b = el("button", "kg-link", nodes[j].label);
    b.type = "button";
    b.addEventListener("click", function () { select(j, true); });
    return b;
  }

  function describe(i) {
    var n = nodes[i];
    panel.textContent = "";
    panel.appendChild(el("h2", "kg-name", n.label));
    var badge = el("span", "kg-type", data.types[n.type] || n.type);
    badge.style.background = data.colours[n.type] || "#777";
    panel.appendChild(badge);
    var dl = el("dl");
    function row(k, v) {
      if (v === undefined || v === null || v === "" || (v.length === 0)) return;
      dl.appendChild(el("dt", null, k));
      dl.appendChild(el("dd", null, Array.isArray(v) ? v.join("、") : v));
    }
    row("别名", n.aliases);
    row("职务", n.titles);
    row("区划代码", n.code);
    row("级别", n.level);
    row("提及", n.mentions);
    row("标识", n.id);
    panel.appendChild(dl);
    var onMap = map && map.divisions.filter(function (d) { return d.name && d.code === n.code; })[0];
    if (onMap) {
      var go = el("button", "kg-link", "在地图上查看（" + onMap.trips + " 次出行，" + onMap.visits + " 条视察）");
      go.type = "button";
      go.id = "kg-to-map";
      go.addEventListener("click", function () { showMap(onMap.code); });
      panel.appendChild(go);
    }
    var mine = incident[i].slice().sort(function (a, b) {
      var order = ["visited", "holds_post", "located_in"];
      var ra = order.indexOf(edges[a].rel), rb = order.indexOf(edges[b].rel);
      return (ra < 0 ? 9 : ra) - (rb < 0 ? 9 : rb) || a - b;
    });
    panel.appendChild(el("h2", null, "关系与证据（" + mine.length + "）"));
    var ol = el("ol");
    mine.slice(0, 300).forEach(function (k) {
      var e = edges[k];
      var li = el("li");
      var out = e.s === i, other = out ? e.t : e.s;
      li.appendChild(el("span", null, (out ? "" : "← ") + (data.relations[e.rel] || e.rel) + (out ? " → " : " ")));
      li.appendChild(nodeLink(other));
      var extra = [e.post, e.role === "lead" ? "带队" : e.role === "accompanying" ? "陪同" : e.role, e.date]
        .filter(function (x) { return x; });
      if (e.w > 1) extra.push("×" + e.w);
      if (extra.length) li.appendChild(el("span", "kg-src", "（" + extra.join("，") + "）"));
      if (e.ev) li.appendChild(el("div", "kg-ev", e.ev));
      if (e.file) li.appendChild(el("div", "kg-src", e.file));
      ol.appendChild(li);
    });
    panel.appendChild(ol);
  }

  function select(i, centre) {
    selected = i;
    neighbours = {};
    panel.textContent = "";
    if (i >= 0) {
      incident[i].forEach(function (k) { neighbours[edges[k].s] = true; neighbours[edges[k].t] = true; });
      describe(i);
      if (centre) {
        var p = toScreen(nodes[i]);
        view.x += width / 2 - p[0]; view.y += height / 2 - p[1];
      }
    }
    draw();
  }

  function zoom(factor, cx, cy) {
    var s = Math.min(view.fitScale * 40, Math.max(view.fitScale / 10, view.scale * factor));
    factor = s / view.scale;
    view.x = cx - (cx - view.x) * factor;
    view.y = cy - (cy - view.y) * factor;
    view.scale = s;
    draw();
  }

  // Pointer: drag pans, a press and release without moving selects.
  var drag = null;
  canvas.addEventListener("mousedown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
    canvas.classList.add("kg-dragging");
  });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) { view.x = drag.vx + dx; view.y = drag.vy + dy; draw(); }
  });
  window.addEventListener("mouseup", function (ev) {
    if (!drag) return;
    var moved = drag.moved;
    drag = null;
    canvas.classList.remove("kg-dragging");
    if (!moved) {
      var r = canvas.getBoundingClientRect();
      select(hit(ev.clientX - r.left, ev.clientY - r.top), false);
    }
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = canvas.getBoundingClientRect();
    zoom(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  document.getElementById("kg-zoom-in").addEventListener("click", function () { zoom(1.4, width / 2, height / 2); });
  document.getElementById("kg-zoom-out").addEventListener("click", function () { zoom(1 / 1.4, width / 2, height / 2); });
  document.getElementById("kg-fit").addEventListener("click", function () { fit(); draw(); });
  document.getElementById("kg-tab-graph").addEventListener("click", function () { setMode("graph"); });
  document.getElementById("kg-tab-map").addEventListener("click", function () { mapFocus = null; setMode("map"); });
  if (!map) document.getElementById("kg-tab-map").hidden = true;
  document.getElementById("kg-search").addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    var q = ev.target.value.trim();
    if (!q) return;
    var found = find(q);
    if (found >= 0) select(found, true);
  });

  function find(q) {
    for (var pass = 0; pass < 2; pass++) {
      for (var i = 0; i < nodes.length; i++) {
        var names = [nodes[i].label].concat(nodes[i].aliases);
        for (var k = 0; k < names.length; k++) {
          if (pass === 0 ? names[k] === q : names[k].indexOf(q) >= 0) return i;
        }
      }
    }
    return -1;
  }

  var legend = document.getElementById("kg-legend");
  Object.keys(data.types).forEach(function (t) {
    var count = nodes.filter(function (n) { return n.type === t; }).length;
    if (!count) return;
    var li = el("li"), dot = el("span", "kg-dot");
    dot.style.background = data.colours[t];
    li.appendChild(dot);
    li.appendChild(el("span", null, data.types[t] + " " + t + "（" + count + "）"));
    legend.appendChild(li);
  });
  Object.keys(data.relations).forEach(function (rel) {
    if (!edges.some(function (e) { return e.rel === rel; })) return;
    var li = el("li"), line = el("span", "kg-line");
    var st = EDGE_STYLE[rel] || OTHER_EDGE;
    line.style.borderTopColor = st.colour;
    if (st.dash.length) line.style.borderTopStyle = "dashed";
    li.appendChild(line);
    li.appendChild(el("span", null, data.relations[rel] + " " + rel));
    legend.appendChild(li);
  });
  document.getElementById("kg-counts").textContent = nodes.length + " 个节点，" + edges.length + " 条边";

  function byId(id) {
    for (var i = 0; i < nodes.length; i++) if (nodes[i].id === id) return i;
    return -1;
  }

  window.addEventListener("resize", function () { resize(); fit(); draw(); });
  window.addEventListener("hashchange", fromHash);
  function fromHash() {
    var m = /^#node=(.+)$/.exec(window.location.hash);
    if (m) select(byId(decodeURIComponent(m[1])), true);
  }
  // For scripts driving the page (and its tests): where a node is drawn, and selecting one.
  window.kgViz = {
    view: view,
    select: function (id) { select(byId(id), true); },
    screenOf: function (id) {
      var i = byId(id), r = canvas.getBoundingClientRect();
      if (i < 0) return null;
      var p = toScreen(nodes[i]);
      return { x: p[0] + r.left, y: p[1] + r.top };
    },
    selected: function () { return selected >= 0 ? nodes[selected].id : null; },
    mode: function () { return mode; },
    showMap: showMap,
    labels: function () { return lastLabels.map(function (b) { return { text: b.text, x: b.x, y: b.y, w: b.w, h: b.h }; }); }
  };
  resize();
  fit();
  draw();
  fromHash();
})();
