// Presentation mode: a full-screen button (and the F key) where the browser allows it.
(function () {
  var button = document.getElementById("present-fullscreen");
  var root = document.documentElement;
  if (!button || !root.requestFullscreen) return;
  button.hidden = false;
  function toggle() {
    if (document.fullscreenElement) document.exitFullscreen();
    else root.requestFullscreen().catch(function () {});
  }
  button.addEventListener("click", toggle);
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "f" || event.key === "F") { event.preventDefault(); toggle(); }
  });
})();
