// Link analysis: draws /graph/data?record=<id> with Cytoscape.js and grows the
// graph when a record is expanded. The page's list of records (links) is kept in
// step with the canvas, so the graph can be used from the keyboard alone.
// Texts come from the page's data-msg-* attributes (translated on the server);
// record data is only ever put in the page as text, never as HTML.
(function () {
  "use strict";

  var box = document.getElementById("graph");
  if (!box || typeof window.cytoscape !== "function") {
    return;
  }
  var expanded = {};
  var cy = window.cytoscape({
    container: box,
    minZoom: 0.2,
    maxZoom: 1.5, // a small graph is not blown up to fill the canvas
    style: [
      {
        // The fill is the originator's colour, exactly as the legend's swatch shows it:
        // the TLP border is drawn outside the fill, and selection is an outline around
        // the node, never a tint over it.
        selector: "node",
        style: {
          "background-color": "data(colour)",
          "border-color": "data(border)",
          "border-width": 4,
          "border-position": "outside",
          label: "data(label)",
          "font-size": 11,
          "text-valign": "bottom",
          "text-margin-y": 6,
          "text-wrap": "ellipsis",
          "text-max-width": 140,
          "text-background-color": "#fff",
          "text-background-opacity": 0.9,
          "text-background-padding": 2,
          "z-index": 10,
          width: 30,
          height: 30,
        },
      },
      { selector: "node[?centre]", style: { width: 44, height: 44 } },
      {
        selector: "node:selected",
        style: {
          "overlay-opacity": 0,
          "outline-width": 2,
          "outline-color": "#1d232a",
          "outline-style": "dashed",
          "outline-offset": 5,
        },
      },
      { selector: "node:active", style: { "overlay-opacity": 0 } },
      {
        // Edge labels sit on a white ground along the edge, under the nodes and their
        // names (z-index), so a label never covers a record.
        selector: "edge",
        style: {
          width: 2,
          "line-color": "#8996a3",
          "target-arrow-color": "#8996a3",
          "target-arrow-shape": "triangle",
          "curve-style": "bezier",
          label: "data(label)",
          "font-size": 9,
          color: "#3d4650",
          "text-rotation": "autorotate",
          "text-background-color": "#fff",
          "text-background-opacity": 1,
          "text-background-padding": 1,
          "z-index": 1,
        },
      },
    ],
  });

  function message(name, values) {
    var text = box.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("%(" + key + ")s").join(String(values[key]));
    });
    return text;
  }

  function status(text) {
    document.getElementById("graph-status").textContent = text;
  }

  function expand(recordId) {
    if (expanded[recordId]) {
      return Promise.resolve();
    }
    var url = box.getAttribute("data-source") + "?record=" + encodeURIComponent(recordId);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        expanded[recordId] = true;
        add(data, recordId);
      })
      .catch(function () {
        status(message("failed"));
      });
  }

  function add(data, recordId) {
    var fresh = [];
    data.nodes.concat(data.edges).forEach(function (element) {
      if (cy.getElementById(element.data.id).empty()) {
        fresh.push(element);
      }
    });
    cy.add(fresh);
    legend(data.legend);
    if (data.capped) {
      status(message("capped", { limit: data.limit }));
    } else {
      status(fresh.length ? "" : message("none"));
    }
    var around = cy.getElementById(recordId);
    // Edges long enough for their labels, node names counted as part of the nodes.
    cy.layout({
      name: "cose",
      animate: false,
      fit: true,
      padding: 40,
      nodeDimensionsIncludeLabels: true,
      idealEdgeLength: function () {
        return 160;
      },
      nodeRepulsion: function () {
        return 40000;
      },
      nodeOverlap: 20,
    }).run();
    if (!around.empty()) {
      around.select();
    }
    lists();
    buttons();
  }

  var known = null;
  function legend(items) {
    var list = document.getElementById("graph-legend");
    if (known === null) {
      known = {};
      list.textContent = ""; // the server's legend, rebuilt from the data
    }
    (items || []).forEach(function (item) {
      if (known[item.originator]) {
        return;
      }
      known[item.originator] = true;
      var li = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch " + (item.slot === null ? "origin-own" : "origin-" + item.slot);
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(" " + (item.slot === null ? message("own") : item.name || item.originator)));
      list.appendChild(li);
    });
  }

  function link(url, text) {
    var a = document.createElement("a");
    a.href = url;
    a.textContent = text;
    return a;
  }

  function lists() {
    var nodes = document.getElementById("graph-nodes");
    var edges = document.getElementById("graph-edges");
    nodes.textContent = "";
    cy.nodes().forEach(function (n) {
      var li = document.createElement("li");
      li.setAttribute("data-id", n.id());
      li.appendChild(link(n.data("url"), n.data("label")));
      if (!expanded[n.id()]) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.setAttribute("data-expand", n.id());
        button.textContent = message("expand");
        li.appendChild(document.createTextNode(" "));
        li.appendChild(button);
      }
      nodes.appendChild(li);
    });
    edges.textContent = "";
    cy.edges().forEach(function (e) {
      var li = document.createElement("li");
      var label = e.data("label");
      li.appendChild(e.data("url") ? link(e.data("url"), label) : document.createTextNode(label));
      var text = message("link", { source: e.source().data("label"), target: e.target().data("label") });
      li.appendChild(document.createTextNode(": " + text));
      edges.appendChild(li);
    });
  }

  function selected() {
    var chosen = cy.nodes(":selected");
    return chosen.empty() ? null : chosen[0];
  }

  function open(n) {
    if (n) {
      window.location.assign(n.data("url"));
    }
  }

  function buttons() {
    var n = selected();
    document.getElementById("graph-expand").disabled = !n || !!expanded[n.id()];
    document.getElementById("graph-open").disabled = !n;
  }

  cy.on("tap", "node", function (event) {
    expand(event.target.id());
  });
  cy.on("dbltap", "node", function (event) {
    open(event.target);
  });
  cy.on("dbltap", "edge", function (event) {
    if (event.target.data("url")) {
      window.location.assign(event.target.data("url"));
    }
  });
  cy.on("select unselect", "node", buttons);
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      open(selected());
    }
  });
  document.getElementById("graph-expand").addEventListener("click", function () {
    var n = selected();
    if (n) {
      expand(n.id()).then(buttons);
    }
  });
  document.getElementById("graph-open").addEventListener("click", function () {
    open(selected());
  });
  document.getElementById("graph-fit").addEventListener("click", function () {
    cy.fit(undefined, 30);
  });
  document.getElementById("graph-nodes").addEventListener("click", function (event) {
    var id = event.target.getAttribute && event.target.getAttribute("data-expand");
    if (id) {
      cy.nodes().unselect();
      cy.getElementById(id).select();
      expand(id);
    }
  });

  // The page carries the centre's neighbourhood the server already computed (as
  // data-elements): no second request, no second audited query.
  var first = box.getAttribute("data-elements");
  var start = box.getAttribute("data-record");
  if (first) {
    expanded[start] = true;
    add(JSON.parse(first), start);
  } else {
    expand(start);
  }
})();
