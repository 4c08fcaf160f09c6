// Small progressive enhancements; every page works without this file.
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!(target instanceof HTMLElement) || !target.matches("[data-copy]")) return;
  var source = document.getElementById(target.getAttribute("data-copy"));
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      target.textContent = target.getAttribute("data-copied") || "Copied";
    });
  }
});
