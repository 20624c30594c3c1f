// Search boxes (the one in the header of every page, the search page's own): suggestions
// while typing (Chinese or pinyin) from data-suggest-url into the list the input's
// aria-controls names; and the search page's filters open beside the results on wide
// screens. Without JavaScript the forms still search.
(function () {
  "use strict";
  var facets = document.querySelector("[data-search-facets]");
  if (facets && window.matchMedia("(min-width: 900px)").matches) {
    facets.open = true;
  }

  function SuggestBox(input, list) {
    var timer = null;
    var controller = null;
    var active = -1;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function show(suggestions) {
      list.textContent = "";
      suggestions.forEach(function (suggestion, index) {
        var item = document.createElement("li");
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        var link = document.createElement("a");
        link.href = suggestion.url;
        link.textContent = suggestion.title;
        link.tabIndex = -1;
        item.appendChild(link);
        list.appendChild(item);
      });
      if (suggestions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function fetchSuggestions() {
      var prefix = input.value.trim();
      if (!prefix) {
        close();
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(prefix);
      fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(show)
        .catch(function () {
          /* aborted by newer typing, or offline: the form still works */
        });
    }

    function select(index) {
      var items = options();
      items.forEach(function (item) {
        item.removeAttribute("aria-selected");
      });
      active = index;
      if (index >= 0 && index < items.length) {
        items[index].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[index].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });

    input.addEventListener("keydown", function (event) {
      var count = options().length;
      if (list.hidden || !count) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        select((active + 1) % count);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        select((active - 1 + count) % count);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = options()[active].querySelector("a").href;
      } else if (event.key === "Escape") {
        event.preventDefault(); // the first Escape closes the list, the next clears the box
        close();
      }
    });

    document.addEventListener("click", function (event) {
      if (event.target !== input && !list.contains(event.target)) {
        close();
      }
    });
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (list) {
      SuggestBox(input, list);
    }
  });
})();
