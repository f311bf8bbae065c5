// The action plan: the element list offers only the elements of the principle chosen (the form checks the
// pair again on saving, so this is a convenience, not the rule).
(function () {
  // The list follows the principle as it changes, so the server-side filter (for pages without JavaScript) is not needed.
  document.querySelectorAll("form[data-phc-element-filter]").forEach(function (form) {
    form.hidden = true;
  });
  document.querySelectorAll("select[data-elements-of]").forEach(function (elements) {
    var form = elements.form;
    var principle = form && form.querySelector("select[name$='" + elements.dataset.elementsOf + "']");
    if (!principle) return;
    function filter() {
      var chosen = principle.value;
      Array.prototype.forEach.call(elements.options, function (option) {
        var of = option.getAttribute("data-principle");
        var hide = Boolean(of && chosen && of !== chosen);
        option.hidden = hide;
        option.disabled = hide;
        if (hide && option.selected) elements.value = "";
      });
    }
    principle.addEventListener("change", filter);
    filter();
  });
})();
