// Search-as-you-type for the food form, over the foods API (/api/v1/foods/?search=), as an
// ARIA 1.2 combobox: type, move with the up and down arrow keys, Enter (or a tap) chooses,
// Escape closes. The chosen food becomes the checked radio button of the form's food group.
// Without this file the page still works: the Find button asks the server (?q=) for the list.
// All words shown come from data-text-* attributes, translated by the template.
(function () {
  "use strict";

  var MIN_CHARS = 2;
  var DELAY_MS = 250;
  var LIMIT = 8;

  function detailOf(food, text) {
    var parts = [String(food.b12_ug_per_100g) + " " + text.textPer100];
    if (food.portion_grams) {
      parts.push(text.textPortion + " = " + (food.portion_name || text.textPortion) +
                 " (" + String(food.portion_grams) + " g)");
    }
    if (food.is_pseudo_b12) {
      parts.push(text.textPseudo);
    }
    return parts.join("; ");
  }

  function init(box) {
    var input = box.querySelector('input[type="search"]');
    var list = box.querySelector('[role="listbox"]');
    var status = box.querySelector("[aria-live]");
    var form = box.closest("form");
    var choices = form && form.querySelector("[data-food-choices]");
    if (!input || !list || !choices) {
      return;
    }
    var text = box.dataset;
    var prefix = text.prefix || "food";
    var timer = null;
    var results = [];
    var active = -1;
    var asked = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      active = index;
      var options = list.querySelectorAll('[role="option"]');
      for (var i = 0; i < options.length; i += 1) {
        options[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      if (active >= 0 && options[active]) {
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render() {
      list.textContent = "";
      results.forEach(function (food, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.textContent = food.name;
        var detail = document.createElement("span");
        detail.className = "detail";
        detail.textContent = detailOf(food, text);
        option.appendChild(name);
        option.appendChild(detail);
        // Keep the focus in the box while a pointer chooses.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(index); });
        list.appendChild(option);
      });
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function search(query) {
      asked = query;
      status.textContent = text.textSearching;
      var url = box.dataset.api + "?search=" + encodeURIComponent(query) + "&limit=" + LIMIT;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (query !== asked || query !== input.value.trim()) {
            return; // the person typed on: a later answer is coming
          }
          results = data.results || [];
          render();
          status.textContent = results.length
            ? String(results.length) + " " + text.textCount
            : text.textNone;
        })
        .catch(function () { status.textContent = ""; });
    }

    function radioFor(food) {
      var radios = choices.querySelectorAll('input[type="radio"][name="food"]');
      for (var i = 0; i < radios.length; i += 1) {
        if (radios[i].value === food.id) {
          return radios[i];
        }
      }
      var wrapper = document.createElement("div");
      wrapper.className = "choice";
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "food";
      radio.value = food.id;
      radio.id = prefix + "_food_" + food.id;
      var label = document.createElement("label");
      label.htmlFor = radio.id;
      label.appendChild(document.createTextNode(food.name + " "));
      var detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = detailOf(food, text);
      label.appendChild(detail);
      wrapper.appendChild(radio);
      wrapper.appendChild(document.createTextNode(" "));
      wrapper.appendChild(label);
      var empty = choices.querySelector("[data-food-empty]");
      if (empty) {
        empty.remove();
      }
      choices.insertBefore(wrapper, choices.firstChild);
      return radio;
    }

    function choose(index) {
      var food = results[index];
      if (!food) {
        return;
      }
      radioFor(food).checked = true;
      input.value = food.name;
      close();
      status.textContent = text.textChosen + " " + food.name;
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < MIN_CHARS) {
        results = [];
        render();
        return;
      }
      timer = window.setTimeout(function () { search(query); }, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!results.length) {
          return;
        }
        event.preventDefault();
        if (list.hidden) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive((active + step + results.length) % results.length);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault(); // choose, rather than send the search to the server
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });

    input.addEventListener("blur", close);
  }

  var boxes = document.querySelectorAll("[data-food-search]");
  for (var i = 0; i < boxes.length; i += 1) {
    init(boxes[i]);
  }
})();
