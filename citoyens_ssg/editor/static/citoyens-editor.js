// The files the editor writes are the files a volunteer writes: Pelican's "Key: value" header
// lines, a blank line, then the Markdown text. The build reads and checks them like any other.
(function () {
  "use strict";
  // Header order of a hand-written file (README); keys not listed follow in the editor's order.
  var ORDER = ["title", "date", "start", "end", "recurrence", "days", "until", "place", "address",
    "latitude", "longitude", "price", "registration", "category", "tags", "summary", "audio", "video",
    "status"];
  // The image and its alt text are the body's first line, as volunteers write them (README):
  // ![alt]({static}/images/photo.jpg). The build makes it the article's thumbnail.
  var LEADING_IMAGE = /^!\[((?:[^\]\\]|\\.)*)\]\((\S+)\)[ \t]*(?:\r?\n[ \t]*)*/;
  var LISTS = { tags: true, days: true };
  var URL_ESCAPES = { " ": "%20", "(": "%28", ")": "%29" };  // would end the link

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
    if (typeof data.image === "string") {  // "Image:" and "Alt:" header lines, written by hand
      data.image = [{ image: data.image, alt: data.alt || "" }];
      delete data.alt;
    }
    var body = lines.slice(i).join("\n");
    var image = LEADING_IMAGE.exec(body);
    if (image) {  // the editor's "image" field: a list of at most one image with its description
      data.image = [{ image: image[2], alt: image[1].replace(/\\(.)/g, "$1") }];
      body = body.slice(image[0].length);
    }
    data.body = body;
    return data;
  }

  function toFile(data) {
    var keys = ORDER.filter(function (key) { return key in data; });
    Object.keys(data).forEach(function (key) {
      var inBody = key === "body" || key === "image";
      if (keys.indexOf(key) < 0 && !inBody && /^[a-z_]+$/.test(key)) { keys.push(key); }
    });
    var header = [];
    keys.forEach(function (key) {
      var value = data[key];
      if (Array.isArray(value)) { value = value.map(oneLine).filter(Boolean).join(", "); }
      if (value === undefined || value === null || oneLine(value) === "") { return; }
      header.push(key.charAt(0).toUpperCase() + key.slice(1) + ": " + oneLine(value));
    });
    var body = data.body ? String(data.body).replace(/\s+$/, "") + "\n" : "";
    var picture = Array.isArray(data.image) ? data.image[0] : null;
    if (picture && picture.image) {
      var alt = oneLine(picture.alt || "").replace(/[\\\]]/g, "\\$&");
      var source = oneLine(picture.image).replace(/[ ()]/g, function (c) { return URL_ESCAPES[c]; });
      body = "![" + alt + "](" + source + ")\n" + (body ? "\n" + body : "");
    }
    return header.join("\n") + "\n\n" + body;
  }

  if (typeof module !== "undefined") { module.exports = { fromFile: fromFile, toFile: toFile }; return; }
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
