/* Dossiers verplaatsen (Beheer): move the next batch by itself.
   The page after a batch holds a form[data-batch-continue] ("Verder verplaatsen"). This script
   posts that form in the background, updates the progress bar and its status text in place, and
   keeps going; when the answer is the report, it takes the report's content into the page.
   On any failure it stops and leaves the button, so the admin can press it (as without
   JavaScript). */
(function () {
  "use strict";

  function form() { return document.querySelector("form[data-batch-continue]"); }

  function stop(button) { if (button) { button.disabled = false; } }

  function copyProgress(fresh) {
    var bar = document.getElementById("voortgang-balk");
    var freshBar = fresh.getElementById("voortgang-balk");
    var text = document.getElementById("voortgang-tekst");
    var freshText = fresh.getElementById("voortgang-tekst");
    if (bar && freshBar) {
      bar.setAttribute("max", freshBar.getAttribute("max"));
      bar.setAttribute("value", freshBar.getAttribute("value"));
      bar.textContent = freshBar.textContent;
    }
    if (text && freshText) { text.textContent = freshText.textContent; }
    var token = form().querySelector("input[name=voortgang]");
    var freshToken = fresh.querySelector("form[data-batch-continue] input[name=voortgang]");
    if (token && freshToken) { token.value = freshToken.value; }
  }

  function next() {
    var current = form();
    if (!current || !window.fetch || !window.DOMParser || !window.FormData) { return; }
    var button = current.querySelector("button");
    if (button) { button.disabled = true; }
    var body = new FormData(current);
    body.append("actie", "verder");
    fetch(current.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (text) { return { ok: response.ok, text: text }; });
      })
      .then(function (answer) {
        var fresh = new DOMParser().parseFromString(answer.text, "text/html");
        var main = document.querySelector("main");
        var freshMain = fresh.querySelector("main");
        if (!main || !freshMain) { stop(button); return; }
        if (answer.ok && fresh.querySelector("form[data-batch-continue]")) {
          copyProgress(fresh);
          next();
          return;
        }
        // The report (or an error page): show it instead of the progress.
        main.innerHTML = freshMain.innerHTML;
        document.title = fresh.title;
        var heading = document.getElementById("resultaat") || document.getElementById("fouten");
        if (heading) { heading.focus(); }
      })
      .catch(function () { stop(button); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", next);
  } else {
    next();
  }
})();
