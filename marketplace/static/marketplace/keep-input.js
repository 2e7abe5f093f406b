// Switching the language reloads the page: what was typed in its forms comes back.
(function () {
  "use strict";
  var key = "keep-input:" + location.pathname + location.search;

  function fields() {
    var found = [];
    document.querySelectorAll("main form").forEach(function (form, formIndex) {
      var seen = {};
      Array.prototype.forEach.call(form.elements, function (element) {
        if (!element.name || element.type === "hidden" || element.type === "password" ||
            element.type === "submit" || element.type === "button" || element.type === "file") {
          return;
        }
        var position = seen[element.name] = (seen[element.name] || 0) + 1;
        found.push({form: formIndex, name: element.name, position: position, element: element});
      });
    });
    return found;
  }

  function save() {
    var values = fields().map(function (field) {
      var element = field.element;
      var value;
      if (element.type === "checkbox" || element.type === "radio") {
        value = element.checked;
      } else if (element.multiple) {
        value = Array.prototype.filter.call(element.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        value = element.value;
      }
      return {form: field.form, name: field.name, position: field.position, value: value};
    });
    try { sessionStorage.setItem(key, JSON.stringify(values)); } catch (e) { /* private mode */ }
  }

  function restore() {
    var stored;
    try { stored = sessionStorage.getItem(key); sessionStorage.removeItem(key); } catch (e) { return; }
    if (!stored) { return; }
    var values = JSON.parse(stored);
    var byKey = {};
    fields().forEach(function (field) {
      byKey[field.form + "|" + field.name + "|" + field.position] = field.element;
    });
    values.forEach(function (value) {
      var element = byKey[value.form + "|" + value.name + "|" + value.position];
      if (!element) { return; }
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = value.value;
      } else if (element.multiple) {
        Array.prototype.forEach.call(element.options, function (o) {
          o.selected = value.value.indexOf(o.value) !== -1;
        });
      } else {
        element.value = value.value;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restore();
    document.querySelectorAll(".lang-switch form").forEach(function (form) {
      form.addEventListener("submit", save);
    });
  });
})();
