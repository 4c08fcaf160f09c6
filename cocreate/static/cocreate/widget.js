/* Cocreate widget loader, pasted by a brand into its own pages:
 *   <div data-cocreate-widget="https://cocreate.example/w/<id>/" data-title="…"></div>
 *   <script src="https://cocreate.example/static/cocreate/widget.js" async></script>
 * Each placeholder becomes an iframe that grows to fit its form. It makes no other request. */
(function () {
  "use strict";
  var frames = [];

  function widgetUrl(value) {
    try {
      var url = new URL(value, document.baseURI);
      return url.protocol === "https:" || url.protocol === "http:" ? url : null;
    } catch (e) {
      return null;
    }
  }

  function mount(el) {
    if (el.getAttribute("data-cocreate-ready")) return;
    var url = widgetUrl(el.getAttribute("data-cocreate-widget") || "");
    if (!url) return;
    el.setAttribute("data-cocreate-ready", "1");
    var iframe = document.createElement("iframe");
    iframe.src = url.href;
    iframe.title = el.getAttribute("data-title") || "Feedback form";
    iframe.setAttribute("width", "100%");
    iframe.setAttribute("loading", "lazy");
    iframe.style.width = "100%";
    iframe.style.border = "0";
    iframe.style.display = "block";
    iframe.style.height = "420px";
    el.appendChild(iframe);
    frames.push({ iframe: iframe, origin: url.origin });
  }

  function onMessage(event) {
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== "cocreate:height") return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0) return;
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      // Only the widget's own origin, and only the frame that sent it, may resize a frame.
      if (event.origin === f.origin && event.source === f.iframe.contentWindow) {
        f.iframe.style.height = Math.min(Math.ceil(height), 10000) + "px";
        return;
      }
    }
  }

  function mountAll() {
    var els = document.querySelectorAll("[data-cocreate-widget]");
    for (var i = 0; i < els.length; i++) mount(els[i]);
  }

  if (!window.__cocreateWidget) {
    window.__cocreateWidget = true;
    window.addEventListener("message", onMessage);
  } else {
    return; // loaded twice: the first copy mounts every widget
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
