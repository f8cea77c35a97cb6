// Results enhancements, for the researcher's analysis tabs and the
// stakeholder report. Both work without them: the ranked tables come in rank
// order from the server, and the responses import is a plain form.
//   - A ranked table's column headers become sort buttons (click, Enter or
//     Space); aria-sort says which column sorts and which way.
//   - The responses import goes to the API with XMLHttpRequest, so the page
//     can show upload progress, then "Processing…", then every bad cell.
//   - The Fieldwork tab's "All on this page" box ticks or clears every row
//     at once; without it, rows are ticked one by one.
(function () {
  "use strict";

  // data-select-all names the form whose row checkboxes it drives; its
  // label is hidden until this script can drive them.
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var rows = document.querySelectorAll('input[type=checkbox][form="' + all.dataset.selectAll + '"]');
    all.closest("label").hidden = false;
    all.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = all.checked; });
    });
  });

  // Which way a column sorts first: ranks and codes from the top, scores
  // and counts from the largest.
  var firstWay = { rank: "ascending", code: "ascending" };

  function sortable(table) {
    var body = table.tBodies[0];
    var status = document.createElement("p");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    table.parentNode.insertBefore(status, table.nextSibling);
    var heads = table.querySelectorAll("th[data-sort]");
    heads.forEach(function (th) {
      var key = th.dataset.sort, label = th.textContent.trim();
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.textContent = label;
      var arrow = document.createElement("span");
      arrow.className = "arrow";
      arrow.setAttribute("aria-hidden", "true");
      b.appendChild(arrow);
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () {
        var now = th.getAttribute("aria-sort");
        var way = now ? (now === "ascending" ? "descending" : "ascending") : (firstWay[key] || "descending");
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", way);
        var sign = way === "ascending" ? 1 : -1;
        var rows = Array.prototype.slice.call(body.rows);
        // Ties keep rank order, whichever way the column goes.
        rows.sort(function (a, c) {
          var d = (parseFloat(a.dataset[key]) - parseFloat(c.dataset[key])) * sign;
          return d || parseFloat(a.dataset.rank) - parseFloat(c.dataset.rank);
        });
        rows.forEach(function (r) { body.appendChild(r); });
        status.textContent = "Sorted by " + label + ", " + way + ".";
      });
    });
  }
  document.querySelectorAll("table[data-sortable]").forEach(sortable);

  // ---- Responses import ----
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // problems turns the API's fields ("row 3, O01_imp": "must be …") into
  // rows in file order, as the page lists them without JavaScript.
  function problems(fields) {
    return Object.keys(fields).map(function (k) {
      var m = /^row (\d+), (.*)$/.exec(k), c = /^column (.*)$/.exec(k);
      if (m) return { row: Number(m[1]), rowText: m[1], column: m[2], reason: fields[k] };
      return { row: 0, rowText: "–", column: c ? c[1] : k, reason: fields[k] };
    }).sort(function (a, b) { return a.row - b.row || (a.column < b.column ? -1 : a.column > b.column ? 1 : 0); });
  }

  function showProblems(box, list) {
    box.textContent = "";
    var h = el("h3", "", "Nothing was imported: " + list.length + (list.length === 1 ? " problem" : " problems") + " in the file");
    h.id = "import-problems-h";
    box.appendChild(h);
    var wrap = el("div", "table-wrap"), t = el("table", "list problems");
    var head = t.createTHead().insertRow();
    [["Row", "num"], ["Column", ""], ["Problem", ""]].forEach(function (c) {
      var th = el("th", c[1], c[0]);
      th.scope = "col";
      head.appendChild(th);
    });
    var tb = t.createTBody();
    list.forEach(function (p) {
      var tr = tb.insertRow();
      var row = el("td", "num", p.rowText), col = el("td"), why = el("td", "", p.reason);
      row.dataset.label = "Row"; col.dataset.label = "Column"; why.dataset.label = "Problem";
      col.appendChild(el("code", "", p.column));
      tr.appendChild(row); tr.appendChild(col); tr.appendChild(why);
    });
    wrap.appendChild(t);
    box.appendChild(wrap);
  }

  document.querySelectorAll("form[data-import]").forEach(function (form) {
    var section = form.closest("section");
    var progress = section.querySelector(".import-progress");
    var bar = progress.querySelector("progress"), stage = progress.querySelector(".import-stage");
    var status = section.querySelector(".import-status"), box = section.querySelector(".import-problems");
    var file = form.querySelector("input[type=file]"), submit = form.querySelector("button[type=submit]");

    form.addEventListener("submit", function (e) {
      if (!file.files.length) return; // the browser's own required message
      e.preventDefault();
      box.textContent = "";
      status.textContent = "";
      file.removeAttribute("aria-invalid");
      progress.hidden = false;
      bar.value = 0;
      stage.textContent = "Uploading…";
      submit.disabled = true;

      var data = new FormData();
      data.append("file", file.files[0]);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.import);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Csrf-Token", csrf);
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) bar.value = Math.round(ev.loaded / ev.total * 100);
      });
      // Sent: the server now checks every cell and stores the rows.
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        bar.removeAttribute("value"); // indeterminate while the server works
        stage.textContent = "Processing…";
      });
      xhr.addEventListener("load", function () {
        progress.hidden = true;
        submit.disabled = false;
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (ignored) { /* not JSON: a proxy's page */ }
        if (xhr.status === 201) {
          // Reload with the results as they now are, saying how many came in.
          var q = new URLSearchParams(location.search);
          q.set("imported", body.imported);
          location.assign(location.pathname + "?" + q.toString() + "#import");
          return;
        }
        if (xhr.status === 422 && body.fields) {
          showProblems(box, problems(body.fields));
          file.setAttribute("aria-invalid", "true");
          file.setAttribute("aria-describedby", "import-problems-h");
          return;
        }
        status.textContent = xhr.status === 413 ? "The file is too large to upload." :
          "The import failed (" + xhr.status + (body.error ? ": " + body.error : "") + "). Nothing was imported.";
      });
      xhr.addEventListener("error", function () {
        progress.hidden = true;
        submit.disabled = false;
        // A file over the server's import limit ends the same way: the
        // server stops reading and closes the connection.
        status.textContent = "The upload did not reach the server: the file may be larger than it accepts, or the connection dropped. Nothing was imported.";
      });
      xhr.send(data);
    });
  });
})();
