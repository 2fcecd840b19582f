/* geoincident incident map: layers, popups, legend and time slider of one map.
 *
 * Loaded inline by geoincident/maps.py. Draws everything from one JSON document
 * (see maps.map_data). Text from articles reaches the page only through
 * textContent and DOM properties, never parsed as HTML, so a report that
 * contains "</script>" or "<img onerror=...>" stays text.
 */
(function () {
  "use strict";

  var BOUNDS = ["low", "best", "high"];
  // keep popups clear of the title (top right) and the zoom buttons (top left) when they open
  var popupOptions = { maxWidth: 380, maxHeight: 360, autoPanPaddingTopLeft: [60, 110], autoPanPaddingBottomRight: [20, 20] };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function add(parent, child) {
    parent.appendChild(child);
    return child;
  }

  // Only http(s) links become clickable: "javascript:" and other schemes stay text.
  function httpUrl(value) {
    var url;
    try {
      url = new URL(String(value));
    } catch (e) {
      return null;
    }
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  }

  function value(v) {
    return v === null || v === undefined ? "\u2013" : String(v);
  }

  function groupLabel(style, group) {
    return (style.group_labels && style.group_labels[group]) || group;
  }

  function eventColor(style, type) {
    var colors = style.event_colors;
    return Object.prototype.hasOwnProperty.call(colors, type || "") ? colors[type || ""] : colors[""];
  }

  function radius(style, killed) {
    var s = style.scale;
    if (killed === null || killed === undefined) return s.no_figure_radius_px;
    var r = s.px_per_sqrt_killed * Math.sqrt(Math.max(killed, 0));
    return Math.min(s.max_radius_px, Math.max(s.min_radius_px, r));
  }

  function choroplethColor(style, killed) {
    var c = style.choropleth, color = c.colors[0];
    for (var i = 0; i < c.thresholds.length; i++) if (killed >= c.thresholds[i]) color = c.colors[i];
    return color;
  }

  function dateText(inc) {
    if (!inc.date_start) return "date not known";
    if (inc.date_end && inc.date_end !== inc.date_start) return inc.date_start + " \u2013 " + inc.date_end;
    return inc.date_start;
  }

  function figureTable(style, figures, caption) {
    var table = el("table", "gi-figures");
    add(table, el("caption", null, caption));
    var head = add(add(table, el("thead")), el("tr"));
    add(head, el("th", null, ""));
    BOUNDS.forEach(function (b) { add(head, el("th", null, b)); });
    var body = add(table, el("tbody"));
    figures.forEach(function (f) {
      var row = add(body, el("tr"));
      add(row, el("th", null, f[0] + " \u00b7 " + groupLabel(style, f[1])));
      for (var i = 2; i < 5; i++) add(row, el("td", null, value(f[i])));
    });
    return table;
  }

  function incidentPopup(data, props) {
    var style = data.style, inc = data.incidents[props.inc];
    var box = el("div", "gi-popup");
    add(box, el("h3", "gi-title", inc.title || "Incident"));
    var type = inc.event_type || style.unknown_event_label;
    if (inc.sub_event_type) type += " / " + inc.sub_event_type;
    add(box, el("div", "gi-meta", dateText(inc) + " \u00b7 " + type));
    if (inc.kind && inc.kind !== "main") add(box, el("div", "gi-meta", "recalled by the reports, not reported as news"));
    var where = props.covers ? "Figures cover " : "Site: ";
    add(box, el("div", "gi-site", where + props.name + " (" + props.precision + ")"));
    if (props.figures && props.figures.length) add(box, figureTable(style, props.figures, "At this site"));
    if (inc.sites.length > 1 || (inc.sites.length === 1 && inc.sites[0] !== props.name)) {
      add(box, el("div", "gi-sites", "Sites: " + inc.sites.join(", ")));
    }
    if (inc.area) add(box, el("div", "gi-sites", "Area of the figures: " + inc.area));
    if (inc.figures.length) add(box, figureTable(style, inc.figures, "Whole incident"));
    else add(box, el("div", "gi-none", "No casualty figures reported."));
    if (inc.flags.length) {
      var flags = add(box, el("ul", "gi-flags"));
      inc.flags.forEach(function (f) { add(flags, el("li", "gi-flag", "\u26a0 " + f)); });
    }
    if (inc.quotes.length) {
      add(box, el("div", "gi-head", "What the sources say"));
      inc.quotes.forEach(function (q) {
        var quote = add(box, el("blockquote", "gi-quote", "\u201c" + q.quote + "\u201d"));
        var who = q.outlet || "unknown outlet";
        if (q.claimant) who += ", citing " + q.claimant;
        add(quote, el("footer", null, "\u2014 " + who));
      });
    }
    if (inc.sources.length) {
      add(box, el("div", "gi-head", "Sources (" + inc.n_sources + " outlet" + (inc.n_sources === 1 ? "" : "s") + ")"));
      var list = add(box, el("ul", "gi-sources"));
      inc.sources.forEach(function (s) {
        var item = add(list, el("li"));
        var href = httpUrl(s.url);
        var name = s.outlet || "unknown outlet";
        if (href) {
          var a = add(item, el("a", null, name));
          a.href = href;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
        } else {
          add(item, el("span", null, name));
        }
        var rest = [s.published, s.title].filter(Boolean).join(" \u00b7 ");
        if (rest) add(item, el("span", "gi-source-title", " \u2014 " + rest));
      });
    }
    return box;
  }

  // A polygon can hold several incidents (a province-wide figure of each): one section each.
  function areaPopup(data, props) {
    if (props.items.length === 1) return incidentPopup(data, props.items[0]);
    var box = el("div", "gi-popup");
    add(box, el("div", "gi-head", props.items.length + " incidents with figures for " + props.name));
    props.items.slice(0, 10).forEach(function (item) {
      add(box, el("hr", "gi-sep"));
      add(box, incidentPopup(data, item));
    });
    if (props.items.length > 10) add(box, el("div", "gi-none", "and " + (props.items.length - 10) + " more"));
    return box;
  }

  function mentionPopup(data, props) {
    var style = data.style, box = el("div", "gi-popup");
    add(box, el("h3", "gi-title", props.name));
    add(box, el("div", "gi-meta", (style.role_labels[props.role] || props.role) + " \u00b7 " + props.n + " mention" + (props.n === 1 ? "" : "s")));
    props.examples.forEach(function (s) { add(box, el("blockquote", "gi-quote", "\u201c" + s + "\u201d")); });
    return box;
  }

  function label(latlng, text, className, pane) {
    var span = el("span", null, text);
    return L.marker(latlng, {
      icon: L.divIcon({ className: "gi-label " + className, html: span, iconSize: null }),
      interactive: false,
      keyboard: false,
      pane: pane,
    });
  }

  function makePane(map, name, zIndex, interactive) {
    var pane = map.createPane(name);
    pane.style.zIndex = String(zIndex);
    if (!interactive) pane.style.pointerEvents = "none";
    return name;
  }

  function basemapLayer(map, data) {
    var b = data.basemap, group = L.layerGroup();
    var land = b.country.length ? b.country : b.province;
    L.geoJSON({ type: "FeatureCollection", features: land }, {
      pane: "gi-land", interactive: false,
      style: { stroke: false, fill: true, fillColor: "#f7f4ec", fillOpacity: 1 },
    }).addTo(group);
    L.geoJSON({ type: "FeatureCollection", features: b.district }, {
      pane: "gi-outlines", interactive: false,
      style: { color: "#a8a29a", weight: 0.7, fill: false },
    }).addTo(group);
    L.geoJSON({ type: "FeatureCollection", features: b.province }, {
      pane: "gi-outlines", interactive: false,
      style: { color: "#6b6459", weight: 1.6, fill: false },
    }).addTo(group);
    if (b.country.length) {
      L.geoJSON({ type: "FeatureCollection", features: b.country }, {
        pane: "gi-outlines", interactive: false,
        style: { color: "#3d3934", weight: 2.4, fill: false },
      }).addTo(group);
    }
    b.district_labels.forEach(function (d) {
      label([d.lat, d.lon], d.name, "gi-label-district", "gi-labels").addTo(group);
    });
    b.towns.forEach(function (t) {
      L.circleMarker([t.lat, t.lon], {
        pane: "gi-outlines", interactive: false, radius: 2, weight: 1, color: "#3d3934",
        fillColor: "#ffffff", fillOpacity: 1,
      }).addTo(group);
      label([t.lat, t.lon], t.name, t.major ? "gi-label-town gi-label-major" : "gi-label-town", "gi-labels").addTo(group);
    });
    group.on("add", function () {
      map.attributionControl.addAttribution(b.attribution);
      map.getContainer().classList.add("gi-offline-basemap");
    });
    group.on("remove", function () {
      map.attributionControl.removeAttribution(b.attribution);
      map.getContainer().classList.remove("gi-offline-basemap");
    });
    return group;
  }

  function legendControl(data, stats) {
    var style = data.style;
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = el("div", "gi-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      add(box, el("div", "gi-head", "Event type"));
      stats.eventTypes.forEach(function (type) {
        var row = add(box, el("div", "gi-row"));
        var swatch = add(row, el("span", "gi-swatch"));
        swatch.style.background = eventColor(style, type);
        add(row, el("span", null, type || style.unknown_event_label));
      });
      add(box, el("div", "gi-head", "Killed (circle area \u221d number)"));
      var sizes = add(box, el("div", "gi-sizes"));
      stats.sizeSteps.forEach(function (n) {
        var item = add(sizes, el("span", "gi-size"));
        var r = radius(style, n);
        var dot = add(item, el("span", "gi-dot"));
        dot.style.width = dot.style.height = (2 * r) + "px";
        add(item, el("span", null, String(n)));
      });
      var none = add(box, el("div", "gi-row"));
      add(none, el("span", "gi-ring"));
      add(none, el("span", null, "no killed figure reported"));
      var area = add(box, el("div", "gi-row"));
      add(area, el("span", "gi-area"));
      add(area, el("span", null, "figure for a whole district or province"));
      if (stats.choropleth) {
        add(box, el("div", "gi-head", "Killed per district (layer)"));
        var c = style.choropleth, row = add(box, el("div", "gi-row gi-classes"));
        c.thresholds.forEach(function (t, i) {
          var cell = add(row, el("span", "gi-class", "\u2265" + t));
          cell.style.background = c.colors[i];
          if (i >= 3) cell.style.color = "#fff";
        });
      }
      return box;
    };
    return control;
  }

  function titleControl(data, stats) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var box = el("div", "gi-titlebox leaflet-bar");
      add(box, el("h2", null, data.title));
      var dates = data.dates.length ? data.dates[0] + (data.dates.length > 1 ? " \u2013 " + data.dates[data.dates.length - 1] : "") : "no dates";
      add(box, el("div", "gi-meta", stats.incidents + " incidents \u00b7 " + stats.places + " places \u00b7 " + dates));
      return box;
    };
    return control;
  }

  function sliderControl(data, filter) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = el("div", "gi-slider leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var text = add(box, el("div", "gi-slider-label"));
      var input = add(box, el("input"));
      input.type = "range";
      input.min = "0";
      input.max = String(data.dates.length);
      input.step = "1";
      input.value = String(data.dates.length);
      input.setAttribute("aria-label", "incident date");
      var only = add(box, el("label", "gi-only"));
      var check = add(only, el("input"));
      check.type = "checkbox";
      add(only, document.createTextNode(" this date only"));
      function update() {
        var pos = Number(input.value);
        var shown = filter(pos < data.dates.length ? data.dates[pos] : null, check.checked);
        text.textContent = (pos < data.dates.length ? (check.checked ? "On " : "Up to ") + data.dates[pos] : "All dates") +
          ": " + shown + " incident" + (shown === 1 ? "" : "s");
      }
      input.addEventListener("input", update);
      check.addEventListener("change", update);
      update();
      control.input = input;
      return box;
    };
    return control;
  }

  window.geoincidentMap = function (map, data) {
    var style = data.style;
    makePane(map, "gi-land", 210, false);
    makePane(map, "gi-outlines", 220, false);
    makePane(map, "gi-choropleth", 300, true);
    makePane(map, "gi-areas", 350, true);
    makePane(map, "gi-labels", 360, false);
    makePane(map, "gi-mentions", 390, true);
    makePane(map, "gi-sites", 410, true);

    var base = {}, overlays = {}, filtered = [];

    // One popup and one tooltip per layer group, made when needed: binding one to each of
    // 100,000 circles would create 200,000 objects before the map can be used.
    function openPopup(layer, latlng, build) {
      var at = layer.getLatLng ? layer.getLatLng() : latlng || layer.getBounds().getCenter();
      return L.popup(popupOptions).setLatLng(at).setContent(build(data, layer.feature.properties)).openOn(map);
    }
    function popupsOn(group, build) {
      group.on("click", function (e) { openPopup(e.layer, e.latlng, build); });
      group.openPopupOf = function (layer) { return openPopup(layer, null, build); };
    }
    function tooltipsOn(group, text) {
      var tooltip = L.tooltip({ direction: "top", offset: [0, -6] });
      group.on("mouseover", function (e) {
        var at = e.layer.getLatLng ? e.layer.getLatLng() : e.latlng;
        tooltip.setLatLng(at).setContent(el("span", null, text(e.layer.feature.properties)));
        map.openTooltip(tooltip);
      });
      group.on("mouseout", function () { map.closeTooltip(tooltip); });
    }
    if (data.tiles) {
      base["OpenStreetMap"] = L.tileLayer(data.tiles.template, {
        attribution: data.tiles.attribution, maxZoom: data.tiles.max_zoom,
      });
    }
    if (data.basemap) base["Outline map (offline)"] = basemapLayer(map, data);
    var firstBase = Object.keys(base)[0];
    if (firstBase) base[firstBase].addTo(map);

    var areas = L.geoJSON(data.areas, {
      pane: "gi-areas",
      style: function (f) {
        var color = eventColor(style, data.incidents[f.properties.items[0].inc].event_type);
        return { color: color, weight: 1.5, dashArray: "6 4", fillColor: color, fillOpacity: 0.12 };
      },
      onEachFeature: function (f, layer) {
        filtered.push(["areas", layer, f.properties.items.map(function (item) { return item.inc; })]);
      },
    });
    popupsOn(areas, areaPopup);
    var sites = L.geoJSON(data.sites, {
      pointToLayer: function (f, latlng) {
        var p = f.properties, color = eventColor(style, data.incidents[p.inc].event_type);
        var known = p.killed !== null && p.killed !== undefined;
        return L.circleMarker(latlng, {
          pane: "gi-sites",
          radius: radius(style, p.killed),
          color: known ? "#222" : color,
          weight: known ? 1 : 2.5,
          dashArray: known ? null : "3 3",
          fillColor: color,
          fillOpacity: known ? 0.72 : 0.05,
        });
      },
      onEachFeature: function (f, layer) { filtered.push(["sites", layer, [f.properties.inc]]); },
    });
    popupsOn(sites, incidentPopup);
    tooltipsOn(sites, function (p) {
      return p.name + (p.killed !== null && p.killed !== undefined ? ": " + p.killed + " killed" : "");
    });
    var groups = { areas: areas, sites: sites };
    areas.addTo(map);
    sites.addTo(map);
    overlays["Incidents (" + data.sites.features.length + " sites)"] = sites;
    overlays["Areas the figures cover (" + data.areas.features.length + ")"] = areas;

    var roles = {};
    data.mentions.features.forEach(function (f) { (roles[f.properties.role] = roles[f.properties.role] || []).push(f); });
    Object.keys(style.role_colors).forEach(function (role) {
      if (!roles[role]) return;
      var color = style.role_colors[role];
      var layer = L.geoJSON({ type: "FeatureCollection", features: roles[role] }, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, {
            pane: "gi-mentions", radius: 3 + 2 * Math.log2(f.properties.n + 1), color: color,
            weight: 1.5, fillColor: color, fillOpacity: 0.35,
          });
        },
      });
      popupsOn(layer, mentionPopup);
      overlays["Mentions: " + (style.role_labels[role] || role) + " (" + roles[role].length + ")"] = layer;
    });

    if (data.choropleth.features.length) {
      var choropleth = L.geoJSON(data.choropleth, {
        pane: "gi-choropleth",
        style: function (f) {
          return { color: "#7a0010", weight: 0.8, fillColor: choroplethColor(style, f.properties.killed), fillOpacity: 0.7 };
        },
      });
      tooltipsOn(choropleth, function (p) { return p.name + ": " + p.killed + " killed"; });
      overlays["Killed per district"] = choropleth;
    }

    L.control.layers(base, overlays, { collapsed: true, position: "topright" }).addTo(map);
    if (L.Control.FullScreen) map.addControl(new L.Control.FullScreen({ position: "topleft" }));

    var eventTypes = [], seenType = {}, places = {}, maxKilled = 0;
    data.incidents.forEach(function (inc) {
      if (!seenType[inc.event_type || ""]) { seenType[inc.event_type || ""] = true; eventTypes.push(inc.event_type || ""); }
    });
    data.areas.features.forEach(function (f) { places[f.properties.name] = true; });
    data.sites.features.forEach(function (f) {
      places[f.properties.name] = true;
      if (f.properties.killed > maxKilled) maxKilled = f.properties.killed;
    });
    var sizeSteps = [1, 10, 100, 1000].filter(function (n) { return n <= Math.max(maxKilled, 10); });
    var stats = {
      incidents: data.incidents.length, places: Object.keys(places).length, eventTypes: eventTypes,
      sizeSteps: sizeSteps, choropleth: data.choropleth.features.length > 0,
    };
    titleControl(data, stats).addTo(map);
    legendControl(data, stats).addTo(map);

    function filter(limit, exact) {
      var shown = {};
      function passes(inc) {
        var date = data.incidents[inc].date_start;
        var ok = limit === null || (!!date && (exact ? date.slice(0, limit.length) === limit : date <= limit));
        if (ok) shown[inc] = true;
        return ok;
      }
      filtered.forEach(function (entry) {
        var visible = false;
        entry[2].forEach(function (inc) { if (passes(inc)) visible = true; });
        var group = groups[entry[0]], layer = entry[1];
        if (visible) {
          if (!group.hasLayer(layer)) group.addLayer(layer);
        } else if (group.hasLayer(layer)) {
          group.removeLayer(layer);
        }
      });
      return limit === null ? data.incidents.length : Object.keys(shown).length;
    }
    var slider = null;
    if (data.dates.length) {
      slider = sliderControl(data, filter);
      slider.addTo(map);
    }

    function updateLabels() {
      var z = map.getZoom(), c = map.getContainer().classList;
      c.toggle("gi-show-district-labels", z >= style.label_zoom.district);
      c.toggle("gi-show-town-labels", z >= style.label_zoom.town);
    }
    map.on("zoomend", updateLabels);
    if (data.bounds) map.fitBounds(data.bounds, { padding: [24, 24], maxZoom: 10 });
    else map.setView([30, 69], 5);
    updateLabels();

    window.geoincident = {
      map: map, data: data, sites: sites, areas: areas, overlays: overlays, slider: slider, filter: filter,
    };
    requestAnimationFrame(function () {
      window.geoincidentReady = performance.now();
      map.getContainer().setAttribute("data-gi-ready", "1");
    });
  };
})();
