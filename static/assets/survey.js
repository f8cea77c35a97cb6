// survey.js: the respondent page works without it. With it, each answer is
// saved as it is given (PATCH with the resume token the page carries), and
// the token is kept in localStorage so reopening the link on this device
// continues where the respondent left off. A finished survey's end page
// forgets the token, so the next person on a shared device starts afresh.
(function () {
  "use strict";
  var store = null;
  try { store = window.localStorage; } catch (e) { /* storage blocked */ }
  var end = document.querySelector(".end[data-slug]");
  if (end) {
    if (store) store.removeItem("odi:" + end.dataset.slug);
    return;
  }
  var form = document.getElementById("survey");
  if (!form || form.dataset.preview) return;
  var slug = form.dataset.slug, token = form.dataset.token;
  var key = "odi:" + slug;
  if (store) {
    if (token) {
      store.setItem(key, token);
    } else if (form.dataset.stale) {
      store.removeItem(key);
    } else {
      // The server decides whether the token is this visitor's: an
      // invitation link (?i=) only continues its own response.
      var kept = store.getItem(key);
      if (kept && !/[?&]r=/.test(location.search)) {
        location.replace(location.pathname + (location.search ? location.search + "&" : "?") + "r=" + encodeURIComponent(kept));
        return;
      }
    }
  }
  if (!token) return;

  var api = "/api/v1/s/" + encodeURIComponent(slug) + "/responses/" + encodeURIComponent(token);
  var saved = document.getElementById("saved");
  var pending = {}, dirty = false, timer = 0, busy = false, wait = 1500;

  // merge copies b into a, two levels deep (ratings: code -> part -> value);
  // the attention list is copied as it is.
  function merge(a, b) {
    Object.keys(b).forEach(function (group) {
      if (typeof b[group] !== "object" || Array.isArray(b[group])) {
        if (!(group in a)) a[group] = b[group];
        return;
      }
      a[group] = a[group] || {};
      Object.keys(b[group]).forEach(function (k) {
        var v = b[group][k];
        if (v && typeof v === "object" && !Array.isArray(v)) {
          a[group][k] = Object.assign({}, v, a[group][k] || {});
        } else if (!(k in a[group])) {
          a[group][k] = v;
        }
      });
    });
    return a;
  }

  function record(el) {
    if (el.name === "attention") {
      // One check a page: null leaves the checks of other pages as they are.
      var checks = [], at = Number(el.closest("[data-check]").dataset.check);
      while (checks.length < at) checks.push(null);
      checks.push(Number(el.value));
      pending = merge({ attention: checks }, pending);
      return true;
    }
    var dot = el.name.indexOf(".");
    if (dot < 0) return false;
    var kind = el.name.slice(0, dot), k = el.name.slice(dot + 1), change = {};
    if (kind === "q") {
      var v = el.value;
      if (el.type === "checkbox") {
        v = Array.prototype.filter.call(form.elements[el.name], function (c) { return c.checked; })
          .map(function (c) { return c.value; });
        if (!form.elements[el.name].length) v = el.checked ? [el.value] : [];
      }
      change.answers = {};
      change.answers[k] = v;
    } else if (kind === "i" || kind === "s") {
      change.ratings = {};
      change.ratings[k] = {};
      change.ratings[k][kind === "i" ? "importance" : "satisfaction"] = Number(el.value);
    } else if (kind === "f") {
      change.forces = {};
      change.forces[k] = Number(el.value);
    } else {
      return false;
    }
    // The newest value wins over anything still waiting.
    pending = merge(change, pending);
    return true;
  }

  function send(leaving) {
    clearTimeout(timer);
    timer = 0;
    if (!dirty || (busy && !leaving)) return;
    var body = pending;
    pending = {};
    dirty = false;
    busy = true;
    fetch(api, {
      method: "PATCH", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body), keepalive: !!leaving, credentials: "same-origin"
    }).then(function (res) {
      if (res.ok) {
        wait = 1500;
        if (!dirty) saved.textContent = saved.dataset.msg;
        return;
      }
      if (res.status === 422) {
        // Drop what the server refused (the page shows it on Next) and keep the rest.
        return res.json().then(function (e) {
          Object.keys(e.fields || {}).forEach(function (f) {
            var p = f.split(".");
            if (p.length === 1) delete body[p[0]];
            else if (body[p[0]]) {
              if (p.length > 2 && body[p[0]][p[1]]) delete body[p[0]][p[1]][p[2]];
              else delete body[p[0]][p[1]];
            }
          });
          retry(body);
        });
      }
      if (res.status === 429 || res.status >= 500) retry(body);
    }, function () { retry(body); }).then(function () {
      busy = false;
      if (dirty && !timer) timer = setTimeout(send, wait);
    });
  }

  function retry(body) {
    wait = Math.min(wait * 2, 30000);
    var left = Object.keys(body).some(function (g) { return typeof body[g] !== "object" || Object.keys(body[g]).length > 0; });
    if (!left) return;
    pending = merge(pending, body);
    dirty = true;
  }

  form.addEventListener("change", function (e) {
    if (!e.target.name || !record(e.target)) return;
    dirty = true;
    saved.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(send, 500);
  });
  // The form carries every answer of the page, so nothing waits for the timer.
  form.addEventListener("submit", function () {
    clearTimeout(timer);
    pending = {};
    dirty = false;
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") send(true);
  });
  window.addEventListener("pagehide", function () { send(true); });
})();
