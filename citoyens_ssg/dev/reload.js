/* citoyens serve: reload the page when a rebuild is done, and show what went
   wrong (file and line) in a banner when it failed. Injected by the dev
   server only; never published. */
(function () {
  "use strict";
  var banner = null;
  function show(problems) {
    if (banner) { banner.remove(); banner = null; }
    if (!problems.length) { return; }
    banner = document.createElement("div");
    banner.setAttribute("role", "alert");
    banner.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:99999;max-height:50vh;overflow:auto;" +
      "background:#b00020;color:#fff;font:15px/1.4 system-ui,sans-serif;padding:12px 16px;box-shadow:0 2px 8px rgba(0,0,0,.4)";
    var title = document.createElement("strong");
    title.textContent = problems.length + (document.documentElement.lang === "fr" ? " problème(s) à corriger :" : " problem(s) to fix:");
    banner.appendChild(title);
    var list = document.createElement("ul");
    list.style.margin = "6px 0 0";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = problem;
      list.appendChild(item);
    });
    banner.appendChild(list);
    document.body.appendChild(banner);
  }
  var source = new EventSource("/__citoyens/events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("problems", function (event) { show(JSON.parse(event.data)); });
}());
