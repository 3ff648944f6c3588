/* Recherche Pagefind. Chaque site a son index (<site>/pagefind/) : la page de
   recherche d'un site cherche dans le sien ; celle du réseau réunit ceux de
   toutes les associations (chaque résultat dit de laquelle il vient), ou
   d'une seule avec ?association=<nom> ; ?q=<mots> lance une recherche. Sans
   JavaScript, le paragraphe d'aide reste affiché. PagefindUI charge
   pagefind-mots/pagefind.js, qui écarte les résultats hors sujet, et celui-ci
   le vrai pagefind.js. */
(function () {
  "use strict";
  var filtering = new URL("pagefind-mots/", document.currentScript.src).href;
  var element = document.getElementById("recherche");
  if (!element || !window.PagefindUI) { return; }
  var help = document.getElementById("recherche-sans-js");
  if (help) { help.hidden = true; }
  var options = { element: "#recherche", showSubResults: true, showImages: false };
  if (element.dataset.bundle) {
    options.bundlePath = element.dataset.bundle;
    // One association's search: its name on every result would say nothing.
    options.processResult = function (result) { delete result.meta.association; return result; };
  } else {
    // Each index's pages are addressed from its own folder (<site>/x.html): Pagefind
    // puts the folder above each bundle in front, wherever the network is served.
    var root = element.dataset.root;
    var sites = element.dataset.bundles.split(" ").filter(Boolean);
    var chosen = new URLSearchParams(window.location.search).get("association");
    if (chosen && sites.indexOf(chosen) >= 0) { sites = [chosen]; }
    if (!sites.length) { return; }
    options.bundlePath = root + sites[0] + "/pagefind/";
    options.mergeIndex = sites.slice(1).map(function (site) { return { bundlePath: root + site + "/pagefind/" }; });
  }
  window.citoyensPagefind = options.bundlePath;
  options.bundlePath = filtering;
  var search = new window.PagefindUI(options);
  // A search can be linked to: recherche.html?q=jardin
  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) { search.triggerSearch(asked); }
}());
