/* Carte de l'annuaire : affichée seulement si Leaflet est là ; la liste des
   lieux, sous la carte, reste lisible sans JavaScript ni fond de carte, et la
   décrit (aria-describedby).
   Pour tous : chaque repère porte le nom de son lieu ; Entrée ou Espace ouvre
   sa bulle et y place le focus, Échap la ferme et rend le focus au repère ;
   des lieux aux mêmes coordonnées sont posés côte à côte (huit lieux, huit
   repères) ; les boutons parlent la langue de la page (data-zoom-in,
   data-zoom-out, data-close). */
(function () {
  "use strict";
  var element = document.getElementById("carte");
  if (!element || !window.L || !window.fetch) { return; }
  var L = window.L;
  var data = element.dataset;
  var ROW = 5;  // repères côte à côte avant d'ouvrir une nouvelle rangée
  element.hidden = false;
  var map = L.map(element, { zoomControl: false });
  L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
  map.attributionControl.setPrefix(false);
  var credit = document.createElement("a");
  credit.href = data.attributionUrl;
  credit.textContent = data.attribution;
  L.tileLayer(data.tiles, { maxZoom: 19, attribution: credit.outerHTML }).addTo(map);
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

  // The n-th of the places sharing one point, moved aside by whole pins (pixels, whatever the zoom).
  function icon(index, count) {
    var columns = Math.min(count, ROW);
    var dx = (index % ROW - (columns - 1) / 2) * 27;
    var dy = Math.floor(index / ROW) * 43;
    return new L.Icon.Default({ iconAnchor: [12 - dx, 41 + dy], popupAnchor: [1 + dx, -34 - dy] });
  }

  function keyboard(marker) {
    var pin = marker.getElement();
    pin.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();  // Space would scroll the page; Enter's keypress would open it twice
        marker.openPopup();
      }
    });
    marker.on("popupopen", function (event) {
      var box = event.popup.getElement();
      var close = box.querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", data.close);
        close.title = data.close;
        close.addEventListener("click", function () { pin.focus(); });
      }
      box.addEventListener("keydown", function (key) {
        if (key.key === "Escape") {
          key.stopPropagation();
          marker.closePopup();
          pin.focus();
        }
      });
      var first = box.querySelector(".leaflet-popup-content a");
      if (first) { first.focus(); }
    });
  }

  function place(feature, count, index) {
    var properties = feature.properties;
    var coordinates = feature.geometry.coordinates;
    var marker = L.marker([coordinates[1], coordinates[0]], {
      alt: properties.name, title: properties.name, icon: icon(index, count), keyboard: true
    });
    marker.bindPopup(popup(properties), { closeOnEscapeKey: true });
    marker.addTo(map);
    keyboard(marker);
    return marker;
  }

  window.fetch(data.geojson).then(function (response) { return response.json(); }).then(function (collection) {
    var stacks = {};
    collection.features.forEach(function (feature) {
      var key = feature.geometry.coordinates.join(",");
      (stacks[key] = stacks[key] || []).push(feature);
    });
    var markers = [];
    Object.keys(stacks).forEach(function (key) {
      stacks[key].forEach(function (feature, index) {
        markers.push(place(feature, stacks[key].length, index));
      });
    });
    var bounds = L.featureGroup(markers).getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 }); }
  });
}());
