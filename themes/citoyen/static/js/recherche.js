/* Recherche Pagefind. Chaque site a son index (<site>/pagefind/) : la page de
   recherche d'un site cherche dans le sien ; celle du réseau réunit ceux de
   toutes les associations (chaque résultat dit de laquelle il vient), ou
   d'une seule avec ?association=<nom> ; ?q=<mots> lance une recherche. Sans
   JavaScript, le paragraphe d'aide reste affiché. PagefindUI charge
   pagefind-mots/pagefind.js, qui écarte les résultats hors sujet, et celui-ci
   le vrai pagefind.js.
   Pour tous : une étiquette visible au-dessus de la boîte (le texte d'exemple
   s'efface à la frappe), « Effacer », et le nombre de résultats annoncé aux
   lecteurs d'écran (#recherche-etat, role="status") ; les mots viennent de la
   page (data-label, data-clear, data-placeholder), dans sa langue. Les styles
   sont ceux du thème (citoyen.css), en rem : la taille de texte du lecteur est
   respectée. */
(function () {
  "use strict";
  var filtering = new URL("pagefind-mots/", document.currentScript.src).href;
  var element = document.getElementById("recherche");
  if (!element || !window.PagefindUI) { return; }
  var help = document.getElementById("recherche-sans-js");
  if (help) { help.hidden = true; }
  var words = element.dataset;
  var options = {
    element: "#recherche", showSubResults: true, showImages: false, resetStyles: false,
    translations: { clear_search: words.clear, placeholder: words.placeholder }
  };
  if (words.bundle) {
    options.bundlePath = words.bundle;
    // One association's search: its name on every result would say nothing.
    options.processResult = function (result) { delete result.meta.association; return result; };
  } else {
    // Each index's pages are addressed from its own folder (<site>/x.html): Pagefind
    // puts the folder above each bundle in front, wherever the network is served.
    var root = words.root;
    var sites = words.bundles.split(" ").filter(Boolean);
    var chosen = new URLSearchParams(window.location.search).get("association");
    if (chosen && sites.indexOf(chosen) >= 0) { sites = [chosen]; }
    if (!sites.length) { return; }
    options.bundlePath = root + sites[0] + "/pagefind/";
    options.mergeIndex = sites.slice(1).map(function (site) { return { bundlePath: root + site + "/pagefind/" }; });
  }
  window.citoyensPagefind = options.bundlePath;
  options.bundlePath = filtering;
  var search = new window.PagefindUI(options);

  // A label that stays when the reader types (a placeholder alone vanishes).
  function label(input) {
    input.id = "recherche-mots";
    var text = document.createElement("label");
    text.className = "search-label";
    text.htmlFor = input.id;
    text.textContent = words.label;
    element.parentNode.insertBefore(text, element);
  }

  // Pagefind's message ("3 résultats pour …") is a plain paragraph: its final wording is
  // copied into the live region, once the reader pauses, so a screen reader says it once.
  function announce() {
    var status = document.getElementById("recherche-etat");
    var pending = null;
    new MutationObserver(function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        var message = element.querySelector(".pagefind-ui__message");
        var text = message ? message.textContent.trim() : "";
        if (/(\.\.\.|…)$/.test(text)) { return; }  // still searching: the final count follows
        if (status.textContent !== text) { status.textContent = text; }
      }, 400);
    }).observe(element, { childList: true, subtree: true, characterData: true });
  }

  function ready() {
    var input = element.querySelector(".pagefind-ui__search-input");
    if (!input) { window.setTimeout(ready, 20); return; }
    label(input);
    announce();
    // A search can be linked to: recherche.html?q=jardin
    var asked = new URLSearchParams(window.location.search).get("q");
    if (asked) { search.triggerSearch(asked); }
  }
  ready();
}());
