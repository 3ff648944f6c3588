/* Pagefind, sans les résultats hors sujet. Un mot qu'un index ne connaît pas,
   Pagefind le découpe en mots qu'il connaît (« abricot » trouve « à »), index par
   index : la recherche du réseau, qui réunit les index des associations, montrait
   ces pages pour un mot qu'aucun site n'a. Ce module se présente à PagefindUI comme
   pagefind.js (recherche.js lui donne ce dossier pour bundlePath) ; il charge le
   vrai pagefind.js du site (window.citoyensPagefind) et ne garde que les résultats
   dont le titre, le texte ou une autre donnée affichée a un mot qui commence comme un mot cherché.
   L'index d'un grand site est en parties (pagefind/parties.json les liste) : chacune est
   réunie comme un index de plus, avec les réglages de l'index dont elle fait partie ; le
   même filtre écarte ce qu'une partie qui n'a pas le mot répond. */

var real = null;
var merged = {};  /* les index dont les parties sont déjà réunies */

function load() {
  real = real || import(window.citoyensPagefind + "pagefind.js");
  return real;
}

async function mergeParts(pagefind, bundle, settings) {
  if (merged[bundle]) { return; }
  merged[bundle] = true;
  var parts = [];
  try {
    /* Demandée à nouveau à chaque visite : une liste gardée par le navigateur (GitHub Pages : dix
       minutes) nommerait après une reconstruction des parties qui n'existent plus. */
    var reply = await fetch(bundle + "parties.json", { cache: "no-cache" });
    if (reply.ok) { parts = (await reply.json()).parties || []; }
  } catch (error) {
    parts = [];  /* un index d'avant les parties : il est entier */
  }
  for (var part of parts) {
    await pagefind.mergeIndex(bundle + part, Object.assign({}, settings));
  }
}

/* Minuscules sans accents : « Été » et « ete » se valent, comme pour Pagefind. */
function folded(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

export function wordsOf(text) {
  return folded(text || "").match(/[\p{L}\p{N}]+/gu) || [];
}

/* Le début d'un mot cherché qu'un mot de la page doit avoir : sa première moitié,
   au moins trois lettres (le mot entier s'il est plus court) ; « ateliers » garde
   la page qui dit « atelier », « abricot » ne garde pas celle qui dit « à ». */
function stem(word) {
  return word.slice(0, Math.max(Math.min(3, word.length), Math.ceil(word.length / 2)));
}

export function keepResult(searched, data) {
  var shown = Object.values(data.meta || {}).filter(function (value) { return typeof value === "string"; });
  var words = wordsOf(shown.concat([data.content || ""]).join(" "));
  return searched.some(function (word) {
    var start = stem(word);
    return words.some(function (candidate) { return candidate.startsWith(start); });
  });
}

export async function search(term, options) {
  var pagefind = await load();
  var found = await pagefind.search(term, options);
  var searched = wordsOf(term);
  if (!found || !searched.length) { return found; }
  var data = await Promise.all(found.results.map(function (result) { return result.data(); }));
  var kept = found.results.filter(function (result, index) { return keepResult(searched, data[index]); });
  return Object.assign({}, found, { results: kept, unfilteredResultCount: kept.length });
}

export async function debouncedSearch(term, options) {
  return search(term, options);
}

export async function options(settings) {
  var pagefind = await load();
  await pagefind.options(settings);
  await mergeParts(pagefind, window.citoyensPagefind, settings || {});
}

export async function mergeIndex(path, settings) {
  var pagefind = await load();
  await pagefind.mergeIndex(path, settings);
  await mergeParts(pagefind, path, settings || {});
}

export async function filters() { return (await load()).filters(); }
export async function preload(term, settings) { return (await load()).preload(term, settings); }
export async function init() { return (await load()).init(); }
export async function destroy() { return real ? (await real).destroy() : undefined; }
