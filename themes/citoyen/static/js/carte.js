/* Carte de l'annuaire : affichée seulement si Leaflet est là ; la liste des
   lieux, sous la carte, reste lisible sans JavaScript ni fond de carte. */
(function () {
  "use strict";
  var element = document.getElementById("carte");
  if (!element || !window.L || !window.fetch) { return; }
  var data = element.dataset;
  element.hidden = false;
  var map = window.L.map(element);
  var credit = document.createElement("a");
  credit.href = data.attributionUrl;
  credit.textContent = data.attribution;
  window.L.tileLayer(data.tiles, { maxZoom: 19, attribution: credit.outerHTML }).addTo(map);
  if (data.latitude && data.longitude) {
    map.setView([Number(data.latitude), Number(data.longitude)], Number(data.zoom));
  } else {
    map.setView([46.6, 2.4], 5);
  }
  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    box.appendChild(link);
    var detail = properties.kind === "event" ? properties.association : properties.address;
    if (detail) {
      var line = document.createElement("p");
      line.textContent = detail;
      box.appendChild(line);
    }
    return box;
  }
  window.fetch(data.geojson).then(function (response) { return response.json(); }).then(function (collection) {
    var layer = window.L.geoJSON(collection, {
      onEachFeature: function (feature, marker) { marker.bindPopup(popup(feature.properties)); }
    }).addTo(map);
    if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 16 }); }
  });
}());
