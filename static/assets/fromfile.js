// fromfile.js: "New study from a file" without leaving the page. Reading
// the file fetches the proposal into #proposal instead of loading a new
// page, so the chosen file stays in the form and "Create the study" sends
// it again with the corrections. Without JavaScript the form posts and the
// page asks for the file again.
(function () {
  "use strict";
  const form = document.getElementById("from-file");
  if (!form) return;
  const file = form.querySelector("input[type=file]");
  const status = document.getElementById("from-file-status");

  async function propose(e) {
    if (e) e.preventDefault();
    if (!file.files.length) { file.focus(); return; }
    const body = new FormData(form);
    body.set("step", "propose");
    status.textContent = "Reading the file…";
    try {
      const res = await fetch(form.action, { method: "POST", body: body, credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await res.text(), "text/html");
      for (const id of ["from-file-errors", "proposal"]) {
        const fresh = page.getElementById(id), old = document.getElementById(id);
        if (fresh && old) old.replaceWith(fresh);
      }
      status.textContent = res.ok ? "Proposal ready: correct it below, then create the study." : "The file could not be read: see above.";
      if (res.ok) document.getElementById("pname").focus();
    } catch (err) {
      status.textContent = "Could not reach odi: " + err.message;
    }
  }
  form.querySelector("[data-propose]").addEventListener("click", propose);
  // A new file is read at once, unless a proposal is on the page: after a
  // refusal the file is chosen again to send it with the corrections shown,
  // which reading it would replace ("Read the file" still does).
  file.addEventListener("change", () => { if (!document.getElementById("pname")) propose(); });
})();
