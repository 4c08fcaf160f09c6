/* Inside the widget's frame: tell the embedding page how tall the content is, so it can size the frame.
 * The height is not secret, and the parent's origin is not known here, hence the "*" target. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;

  function post() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "cocreate:height", height: height }, "*");
  }

  window.addEventListener("load", post);
  if (window.ResizeObserver) {
    new ResizeObserver(post).observe(document.documentElement);
  } else {
    window.addEventListener("resize", post);
  }
  post();
})();
