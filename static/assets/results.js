// Results enhancements, for the researcher's analysis tabs and the
// stakeholder report. Both work without them: the ranked tables come in rank
// order from the server, and the responses import is a plain form.
//   - A ranked table's column headers become sort buttons (click, Enter or
//     Space); aria-sort says which column sorts and which way.
//   - The responses import goes to the API with XMLHttpRequest: a chosen
//     file is previewed at once (what each column gives, what is ignored,
//     values outside the scale), and the import shows upload progress, then
//     "Processing…", then every bad cell.
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

  // table adds a list table to box, in a scroller: heads are [text, class,
  // label on phones if not the text], each row's cells text or a node.
  function table(box, cls, heads, rows) {
    var wrap = el("div", "table-wrap"), t = el("table", "list " + cls);
    var head = t.createTHead().insertRow();
    heads.forEach(function (h) {
      var th = el("th", h[1], h[0]);
      th.scope = "col";
      head.appendChild(th);
    });
    var tb = t.createTBody();
    rows.forEach(function (cells) {
      var tr = tb.insertRow();
      cells.forEach(function (c, i) {
        var td = el("td", heads[i][1]);
        td.dataset.label = heads[i][2] || heads[i][0];
        td.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
        tr.appendChild(td);
      });
    });
    wrap.appendChild(t);
    box.appendChild(wrap);
    return t;
  }

  function showProblems(box, list, dryRun) {
    box.textContent = "";
    var h = el("h3", "", (dryRun ? "The import would be refused: " : "Nothing was imported: ") +
      list.length + (list.length === 1 ? " problem" : " problems") + " in the file");
    h.id = "import-problems-h";
    box.appendChild(h);
    table(box, "problems", [["Row", "num"], ["Column", ""], ["Problem", ""]], list.map(function (p) {
      return [p.rowText, el("code", "", p.column), p.reason];
    }));
  }

  // The API's report in words, as the page words it without JavaScript
  // (app/responses_import_view.go).
  var formatNames = { "one header row": "One header row", qualtrics: "Qualtrics export (three header rows)",
    surveymonkey: "SurveyMonkey export (two header rows)" };
  var metadataGives = { respondent_id: "respondent id", status: "status", finished: "status (finished or not)",
    started_at: "start time", finished_at: "end time", excluded: "excluded", flags: "quality flags (worked out again)",
    ignored: "ignored" };
  function columnGives(c) {
    if (c.maps_to === "rating") return c.key + " " + c.scale;
    if (c.maps_to === "question" || c.maps_to === "force") return c.maps_to + " " + c.key;
    return metadataGives[c.maps_to] || c.maps_to.replace(/_/g, " ");
  }

  // codes is "a, b, c" with each name in a code element.
  function codes(parent, names, counts) {
    names.forEach(function (n, i) {
      if (i) parent.appendChild(document.createTextNode(", "));
      parent.appendChild(el("code", "", n));
      if (counts) parent.appendChild(document.createTextNode(" ×" + counts[n]));
    });
    return parent;
  }

  function showReport(box, rep, missing, ready) {
    box.textContent = "";
    box.appendChild(el("h3", "", rep.dry_run ? "Preview: nothing is stored yet" : "What the file gives"));
    box.appendChild(el("p", "", (formatNames[rep.format] || rep.format) + ", " + rep.rows +
      (rep.rows === 1 ? " response." : " responses.") + (ready ? " Press Import to add them." : "")));
    table(box, "mapping", [["Column in the file", "", "Column"], ["Gives", ""]], rep.columns.map(function (c) {
      return [el("code", "", c.column), columnGives(c)];
    })).querySelectorAll("tbody tr").forEach(function (tr, i) {
      if (rep.columns[i].maps_to === "ignored") tr.className = "ignored";
    });
    if (rep.ignored.length) {
      var p = codes(el("p", "ignored-list", "Ignored, never stored: "), rep.ignored);
      p.appendChild(document.createTextNode("."));
      box.appendChild(p);
    }
    if (!rep.out_of_scale.length) return;
    box.appendChild(el("h3", "", "Values outside the scale"));
    table(box, "out-of-scale", [["Column", ""], ["Values, with how many cells", "", "Values"]], rep.out_of_scale.map(function (o) {
      var values = Object.keys(o.values).sort().sort(function (a, b) { return o.values[b] - o.values[a]; });
      return [el("code", "", o.column), codes(document.createDocumentFragment(), values, o.values)];
    }));
    box.appendChild(el("p", "hint", missing ? "Read as blanks, as the box is ticked." :
      "They refuse the file unless \u201cRead values outside the scale as blanks\u201d is ticked."));
  }

  // After an import the page reloads with the new results; the columns it
  // ignored are carried over the reload to the notice.
  var ignoredKey = "odi-import-ignored";
  document.querySelectorAll("#import .notice").forEach(function (notice) {
    var ignored = JSON.parse(sessionStorage.getItem(ignoredKey) || "[]");
    if (!ignored.length) return;
    notice.appendChild(codes(el("span", "", " Ignored, never stored: "), ignored));
    notice.appendChild(document.createTextNode("."));
  });
  sessionStorage.removeItem(ignoredKey);

  document.querySelectorAll("form[data-import]").forEach(function (form) {
    var section = form.closest("section");
    var progress = section.querySelector(".import-progress");
    var bar = progress.querySelector("progress"), stage = progress.querySelector(".import-stage");
    var status = section.querySelector(".import-status"), box = section.querySelector(".import-problems");
    var preview = section.querySelector(".import-preview");
    var file = form.querySelector("input[type=file]"), missing = form.querySelector("input[name=out_of_scale]");
    // An import under way is not to be replaced: its form waits for it.
    var controls = form.querySelectorAll("input:not([type=hidden]), button");
    var xhr = null; // the upload under way: a newer one replaces it

    // send uploads the chosen file: a dry run shows what it gives, an
    // import stores it and reloads the results.
    function send(dryRun) {
      if (xhr) xhr.abort();
      box.textContent = "";
      preview.textContent = "";
      status.textContent = "";
      file.removeAttribute("aria-invalid");
      progress.hidden = false;
      bar.value = 0;
      stage.textContent = "Uploading…";
      controls.forEach(function (c) { c.disabled = !dryRun; });

      var q = new URLSearchParams();
      if (dryRun) q.set("dry_run", "1");
      if (missing.checked) q.set("out_of_scale", "missing");
      var data = new FormData();
      data.append("file", file.files[0]);
      var x = xhr = new XMLHttpRequest();
      x.open("POST", form.dataset.import + (q.toString() ? "?" + q.toString() : ""));
      x.setRequestHeader("Accept", "application/json");
      x.setRequestHeader("X-Csrf-Token", csrf);
      x.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) bar.value = Math.round(ev.loaded / ev.total * 100);
      });
      // Sent: the server now checks every cell and stores the rows.
      x.upload.addEventListener("load", function () {
        bar.value = 100;
        bar.removeAttribute("value"); // indeterminate while the server works
        stage.textContent = dryRun ? "Checking…" : "Processing…";
      });
      function done() {
        xhr = null;
        progress.hidden = true;
        controls.forEach(function (c) { c.disabled = false; });
      }
      x.addEventListener("load", function () {
        done();
        var body = {};
        try { body = JSON.parse(x.responseText); } catch (ignored) { /* not JSON: a proxy's page */ }
        if (x.status === 201) {
          // Reload with the results as they now are, saying how many came in.
          sessionStorage.setItem(ignoredKey, JSON.stringify(body.ignored || []));
          var search = new URLSearchParams(location.search);
          search.set("imported", body.imported);
          location.assign(location.pathname + "?" + search.toString() + "#import");
          return;
        }
        var fields = x.status === 200 ? body.problems : x.status === 422 && body.fields;
        if (body.columns) showReport(preview, body, missing.checked, x.status === 200 && !fields);
        if (fields) {
          showProblems(box, problems(fields), dryRun);
          file.setAttribute("aria-invalid", "true");
          file.setAttribute("aria-describedby", "import-problems-h");
          return;
        }
        if (x.status === 200) return;
        status.textContent = x.status === 413 ? "The file is too large to upload." :
          "The import failed (" + x.status + (body.error ? ": " + body.error : "") + "). Nothing was imported.";
      });
      x.addEventListener("error", function () {
        done();
        // A file over the server's import limit ends the same way: the
        // server stops reading and closes the connection.
        status.textContent = "The upload did not reach the server: the file may be larger than it accepts, or the connection dropped. Nothing was imported.";
      });
      x.send(data);
    }

    // A chosen file, or a change of how to read it, is previewed at once.
    [file, missing].forEach(function (input) {
      input.addEventListener("change", function () { if (file.files.length) send(true); });
    });
    form.addEventListener("submit", function (e) {
      if (!file.files.length) return; // the browser's own required message
      e.preventDefault();
      send(e.submitter !== null && e.submitter.name === "preview");
    });
  });
})();
