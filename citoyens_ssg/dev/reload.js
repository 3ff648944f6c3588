/* citoyens serve: reload the page when a rebuild is done, and show what went
   wrong (file and line) in a banner when it failed. Injected by the dev
   server only; never published. */
(function () {
  "use strict";
  var words = CITOYENS_WORDS;  // in the network's language, written in by the dev server
  var banner = null;
  function show(problems) {
    if (banner) { banner.remove(); banner = null; }
    if (!problems.length) { return; }
    banner = document.createElement("div");
    banner.setAttribute("role", "alert");
    // In the flow, first in the page: it pushes the site's header down, never covers it.
    banner.style.cssText = "position:static;display:block;max-height:50vh;overflow:auto;margin:0;" +
      "background:#b00020;color:#fff;font:15px/1.4 system-ui,sans-serif;padding:12px 16px";
    var title = document.createElement("strong");
    title.textContent = problems.length + " " + words.title;
    banner.appendChild(title);
    var list = document.createElement("ul");
    list.style.margin = "6px 0 0";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = problem;
      list.appendChild(item);
    });
    banner.appendChild(list);
    document.body.prepend(banner);
  }
  var source = new EventSource("/__citoyens/events");
  // {"sites": [...]}: those sites' pages, in place before the network's; {"except": [...]}: the others.
  source.addEventListener("reload", function (event) {
    var which = JSON.parse(event.data);
    var site = window.location.pathname.split("/")[1];
    var concerned = which.sites ? which.sites.indexOf(site) >= 0 : (which.except || []).indexOf(site) < 0;
    if (concerned) { window.location.reload(); }
  });
  source.addEventListener("problems", function (event) { show(JSON.parse(event.data)); });
}());
