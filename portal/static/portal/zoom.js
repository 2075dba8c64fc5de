// The zoom viewer, as progressive enhancement: without JavaScript the "zoom" link opens the
// full image. With it, the first click loads OpenSeadragon (vendored, never from a CDN) and
// shows the image from its IIIF Image API info.json in place.
(function () {
  "use strict";
  var script = document.currentScript;
  var loading = null;

  function loadViewer() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = script.dataset.viewer;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.zoom[data-info]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    var figure = link.closest("figure");
    var existing = figure.querySelector(".zoom-viewer");
    if (existing) {
      existing.focus();
      return;
    }
    loadViewer().then(function () {
      var box = document.createElement("div");
      box.className = "zoom-viewer";
      box.tabIndex = -1;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", link.textContent);
      figure.insertBefore(box, figure.firstChild);
      window.OpenSeadragon({
        element: box,
        prefixUrl: script.dataset.icons,
        tileSources: link.dataset.info,
        showNavigator: true,
        crossOriginPolicy: false
      });
      var image = figure.querySelector("img");
      if (image) image.hidden = true;
      box.focus();
    }, function () {
      window.location.href = link.href;
    });
  });
})();
