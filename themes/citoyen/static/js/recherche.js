/* Recherche Pagefind. Chaque site a son index (<site>/pagefind/) : la page de
   recherche d'un site cherche dans le sien ; celle du réseau réunit ceux de
   toutes les associations, ou d'une seule avec ?association=<nom>. Sans
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
  } else {
    var base = element.dataset.base;
    var sites = element.dataset.bundles.split(" ").filter(Boolean);
    var chosen = new URLSearchParams(window.location.search).get("association");
    if (chosen && sites.indexOf(chosen) >= 0) { sites = [chosen]; }
    if (!sites.length) { return; }
    options.bundlePath = base + "/" + sites[0] + "/pagefind/";
    options.mergeIndex = sites.slice(1).map(function (site) { return { bundlePath: base + "/" + site + "/pagefind/" }; });
  }
  window.citoyensPagefind = options.bundlePath;
  options.bundlePath = filtering;
  new window.PagefindUI(options);
}());
