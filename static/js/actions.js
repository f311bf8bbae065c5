// The action plan: the element list offers only the elements of the principle chosen (the form checks the
// pair again on saving, so this is a convenience, not the rule).
(function () {
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
