// Workshop screens: move with the arrow and page keys (the links work without this script).
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    var id = null;
    if (event.key === "ArrowRight" || event.key === "PageDown") id = "workshop-next";
    if (event.key === "ArrowLeft" || event.key === "PageUp") id = "workshop-previous";
    var link = id && document.getElementById(id);
    if (link) { event.preventDefault(); window.location.href = link.href; }
  });
})();
