// The files the editor writes are the files a volunteer writes: Pelican's "Key: value" header
// lines, a blank line, then the Markdown text. The build reads and checks them like any other.
(function () {
  "use strict";
  // Header order of a hand-written file (README); keys not listed follow in the editor's order.
  var ORDER = ["title", "date", "start", "end", "recurrence", "days", "until", "place", "address",
    "latitude", "longitude", "price", "registration", "category", "tags", "summary", "image", "alt",
    "audio", "video", "status"];
  var LISTS = { tags: true, days: true };

  function oneLine(value) {
    // A value that spanned lines would start a header of its own.
    return String(value).replace(/[\r\n\u2028\u2029]+/g, " ").trim();
  }

  function fromFile(text) {
    var data = {};
    var lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
    var i = 0;
    for (; i < lines.length; i++) {
      var match = /^([A-Za-z_]+):\s*(.*)$/.exec(lines[i]);
      if (!match) { break; }
      var key = match[1].toLowerCase();
      data[key] = LISTS[key] ? match[2].split(",").map(oneLine).filter(Boolean) : match[2].trim();
    }
    while (i < lines.length && lines[i].trim() === "") { i++; }
    data.body = lines.slice(i).join("\n");
    return data;
  }

  function toFile(data) {
    var keys = ORDER.filter(function (key) { return key in data; });
    Object.keys(data).forEach(function (key) {
      if (keys.indexOf(key) < 0 && key !== "body" && /^[a-z_]+$/.test(key)) { keys.push(key); }
    });
    var header = [];
    keys.forEach(function (key) {
      var value = data[key];
      if (Array.isArray(value)) { value = value.map(oneLine).filter(Boolean).join(", "); }
      if (value === undefined || value === null || oneLine(value) === "") { return; }
      header.push(key.charAt(0).toUpperCase() + key.slice(1) + ": " + oneLine(value));
    });
    var body = data.body ? String(data.body).replace(/\s+$/, "") + "\n" : "";
    return header.join("\n") + "\n\n" + body;
  }

  window.CitoyensFormat = { fromFile: fromFile, toFile: toFile };
  if (window.CMS) {
    window.CMS.registerCustomFormat("pelican", "md", { fromFile: fromFile, toFile: toFile });
    // The site's theme in the preview pane: its stylesheets, as its home page links them.
    var styles = document.querySelector('meta[name="citoyens-preview-styles"]');
    (styles ? styles.content.split(" ") : []).filter(Boolean).forEach(function (href) {
      window.CMS.registerPreviewStyle(new URL(href, window.location.href).href);
    });
    // On this machine (make edit) decap-server writes the files directly: no review step there.
    var local = ["localhost", "127.0.0.1"].indexOf(window.location.hostname) >= 0;
    window.CMS.init(local ? { config: { publish_mode: "simple" } } : {});
  }
})();
