// The study editor's enhancements. Every page works without them: they only
// show the job sentence, its lint and the outcomes' lint as you type, reorder outcomes by drag,
// hide inputs that do not apply (four forces wording and the number of
// attention checks while their switch is off, options or bands by question
// kind), and copy the link.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";
  var study = (location.pathname.match(/^\/studies\/(\d+)\//) || [])[1];

  function api(method, path, body) {
    return fetch("/api/v1/studies/" + study + path, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-Csrf-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) throw new Error(method + " " + path + ": " + r.status);
      return r.json();
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // The job sentence, worded as surveys.Job.Sentence words it.
  var sentence = document.getElementById("job-sentence");
  if (sentence) {
    var parts = {};
    document.querySelectorAll("[data-job]").forEach(function (i) { parts[i.dataset.job] = i; });
    var update = function () {
      var w = parts.when.value.trim(), t = parts.want.value.trim(), s = parts.so_that.value.trim();
      if (!w && !t && !s) { sentence.textContent = "fill in the three parts"; return; }
      sentence.textContent = "When " + w + ", I want to " + t + (s ? ", so I can " + s : "") + ".";
    };
    Object.keys(parts).forEach(function (k) { parts[k].addEventListener("input", update); });

    // The job lint, as the Job tab shows it after Save, while typing.
    var jobLint = document.getElementById("job-lint"), language = document.getElementById("language");
    if (jobLint && study && !parts.want.disabled) {
      var timer, seq = 0;
      var relint = function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var mine = ++seq;
          api("POST", "/job/lint", { when: parts.when.value, want: parts.want.value, so_that: parts.so_that.value,
            language: language ? language.value : "" })
            .then(function (res) { if (mine === seq) { jobLint.textContent = ""; jobLint.appendChild(lintList(res.job_lint)); } })
            .catch(function () {});
        }, 250);
      };
      Object.keys(parts).forEach(function (k) { parts[k].addEventListener("input", relint); });
      if (language) language.addEventListener("change", relint);
    }
  }

  // A switch hides the inputs that apply only while it is on.
  [["four_forces", "forces-wording"], ["attention_check", "attention-count"]].forEach(function (pair) {
    var on = document.getElementById(pair[0]), inputs = document.getElementById(pair[1]);
    if (!on || !inputs || on.disabled) return;
    var toggle = function () { inputs.hidden = !on.checked; };
    on.addEventListener("change", toggle);
    toggle();
  });

  // The question form shows the inputs the chosen kind uses; a group that
  // holds a value or an error stays in sight whatever the kind.
  var kind = document.getElementById("q-kind");
  if (kind) {
    var groups = document.querySelectorAll("[data-kinds]");
    var showKind = function () {
      groups.forEach(function (g) {
        var used = Array.prototype.some.call(g.querySelectorAll("input, textarea"), function (i) {
          return i.value.trim() !== "" || i.getAttribute("aria-invalid") === "true";
        });
        g.hidden = !used && g.dataset.kinds.split(" ").indexOf(kind.value) < 0;
      });
    };
    kind.addEventListener("change", showKind);
    showKind();
  }

  document.querySelectorAll("[data-copy]").forEach(function (b) {
    var field = document.getElementById(b.dataset.copy);
    b.hidden = false;
    b.addEventListener("click", function () {
      field.select();
      var done = function () { b.textContent = "Copied"; setTimeout(function () { b.textContent = "Copy"; }, 2000); };
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      else { document.execCommand("copy"); done(); }
    });
  });

  // lintList draws lint warnings as the lint_list template does.
  function lintList(issues) {
    if (!issues || !issues.length) return el("p", "ok", "✓ No lint warnings");
    var ul = el("ul", "lint");
    ul.setAttribute("aria-label", "Lint warnings");
    issues.forEach(function (i) {
      var li = el("li");
      li.appendChild(el("span", "rule", i.rule));
      li.appendChild(document.createTextNode(" " + i.message));
      if (i.rewrite) {
        var r = el("span", "rewrite");
        r.appendChild(el("span", "k", "Try:"));
        r.appendChild(document.createTextNode(" " + i.rewrite));
        li.appendChild(r);
      }
      ul.appendChild(li);
    });
    return ul;
  }

  // Lint as you type: the same parts and warnings the saved rows show.
  function showLint(out, res) {
    out.textContent = "";
    var p = res.parsed || {}, keys = ["direction", "metric", "object", "clarifier"];
    var chips = el("ul", "parts");
    chips.setAttribute("aria-label", "Parsed parts");
    keys.forEach(function (k) {
      if (!p[k]) return;
      var li = el("li", "part");
      li.appendChild(el("span", "k", k));
      li.appendChild(document.createTextNode(" " + p[k]));
      chips.appendChild(li);
    });
    if (chips.children.length) out.appendChild(chips);
    out.appendChild(lintList(res.lint));
  }

  document.querySelectorAll("textarea[data-lint]").forEach(function (t) {
    var out = t.parentNode.querySelector(".lint-live"), timer, seq = 0;
    if (!out || !study) return;
    t.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++seq, text = t.value.trim();
        if (!text) { out.textContent = ""; return; }
        api("POST", "/outcomes/lint", { statement: text, outcome_id: Number(t.dataset.lint) })
          .then(function (res) { if (mine === seq) showLint(out, res); })
          .catch(function () { out.textContent = ""; });
      }, 250);
    });
  });

  // Drag to reorder, within a step or into another one. The up/down buttons
  // do the same for keyboards; after a drop the page reloads so codes,
  // positions and those buttons are all as stored.
  var dragged = null;
  document.querySelectorAll("ol.outcomes[data-study]").forEach(function (list) {
    list.addEventListener("dragstart", function (e) {
      var li = e.target.closest && e.target.closest("li.outcome");
      if (!li) return;
      dragged = li;
      li.classList.add("dragging");
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", li.dataset.id);
    });
    list.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      document.querySelectorAll(".drop-target").forEach(function (l) { l.classList.remove("drop-target"); });
    });
    list.addEventListener("dragover", function (e) {
      if (!dragged) return;
      e.preventDefault();
      list.classList.add("drop-target");
      var after = null;
      list.querySelectorAll("li.outcome:not(.dragging)").forEach(function (li) {
        var r = li.getBoundingClientRect();
        if (!after && e.clientY < r.top + r.height / 2) after = li;
      });
      list.insertBefore(dragged, after);
    });
    list.addEventListener("dragleave", function (e) {
      if (!list.contains(e.relatedTarget)) list.classList.remove("drop-target");
    });
    list.addEventListener("drop", function (e) {
      if (!dragged) return;
      e.preventDefault();
      var rows = Array.prototype.slice.call(list.querySelectorAll("li.outcome"));
      var body = { position: rows.indexOf(dragged) };
      if (list.dataset.step) body.step = list.dataset.step;
      var id = dragged.dataset.id;
      dragged = null;
      api("PATCH", "/outcomes/" + id, body).then(function () { location.reload(); }, function () { location.reload(); });
    });
  });

  // Back from adding an outcome, the add box is ready for the next one.
  if (/^#add-\d+$/.test(location.hash)) {
    var box = document.querySelector(location.hash + " textarea");
    if (box) box.focus();
  }
})();
