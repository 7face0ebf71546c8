/* Before You Mix: the checker, made quicker with JavaScript. Progressive enhancement only:
 * without this file the form is two comma-separated text fields and a Check button.
 *
 * With it: medicines become removable chips, each with a "stopped in the last 5 weeks"
 * toggle; an ARIA 1.2 combobox suggests names from /api/v1/drugs (brand -> ingredient);
 * on the checker page htmx swaps in #results and pushes the URL, and a polite live region
 * reads out the new result. Print and "copy link" buttons appear only when they can work.
 *
 * The chips write their names back into the original fields, so what is sent is always the
 * same GET query a person could type. No inline scripts or styles (strict CSP), no storage,
 * nothing logged: medicine names are health data.
 */
(function () {
  "use strict";

  var MAX_MEDICINES = 25;
  var MAX_NAME = 100;
  var MIN_CHARS = 2;
  var DELAY_MS = 150;

  function splitNames(text) {
    return text.split(",").map(function (name) { return name.trim(); }).filter(Boolean);
  }

  function same(a, b) {
    return a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function visuallyHidden(text) {
    return el("span", "visually-hidden", text);
  }

  /* A polite announcement; clearing first makes a repeated message be read again. */
  function announce(region, message) {
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  function ingredientNames(result) {
    return (result.ingredients || []).map(function (i) { return i.name; }).join(" + ");
  }

  /* ------------------------------------------------------------------ the form */

  function enhance(form) {
    var autoSubmit = false;
    var checkUrl = form.getAttribute("data-check-api-url");
    if (form.hasAttribute("data-enhanced")) return;
    form.setAttribute("data-enhanced", "");

    var drugsField = form.querySelector("#drugs-field");
    var stoppedField = form.querySelector("#stopped-field");
    var plain = form.querySelector("[data-plain-fields]");
    var ui = form.querySelector("[data-chips-ui]");
    if (!drugsField || !stoppedField || !plain || !ui) return;

    var list = ui.querySelector("[data-chips]");
    var emptyNote = ui.querySelector("[data-chips-empty]");
    var count = ui.querySelector("[data-chips-count]");
    var combo = ui.querySelector("[data-combo]");
    var listbox = ui.querySelector("[data-listbox]");
    var addButton = ui.querySelector("[data-add]");
    var errorBox = ui.querySelector("[data-chips-error]");
    var comboStatus = ui.querySelector("[data-combo-status]");
    var clearAll = form.querySelector("[data-clear-all]");
    var suggestUrl = form.getAttribute("data-suggest-url");
    var inPlace = form.hasAttribute("hx-get") && window.htmx;

    var chips = [];
    var options = [];
    var active = -1;
    var timer = null;
    var sequence = 0;

    splitNames(drugsField.value).forEach(function (name) { chips.push({ name: name, stopped: false }); });
    splitNames(stoppedField.value).forEach(function (name) { chips.push({ name: name, stopped: true }); });
    chips.forEach(function (chip) { if (/[\s&+\/;]/.test(chip.name)) splitLikeTheServer(chip.name); });

    // A message the server put next to the plain field moves next to the chips.
    var serverError = form.querySelector("#drugs-error, #stopped-error");
    if (serverError) showError(serverError.textContent.replace(/^\s*Error:\s*/, ""));

    plain.hidden = true;
    ui.hidden = false;
    clearAll.hidden = false;
    render();
    sync();
    readResult(document);

    /* -------- chips */

    function render(focusIndex) {
      // Re-rendering must not drop keyboard focus: remember which control had it.
      var focused = document.activeElement;
      var restore = null;
      if (typeof focusIndex !== "number" && focused && list.contains(focused)) {
        restore = {
          index: Array.prototype.indexOf.call(list.children, focused.closest("li")),
          selector: focused.tagName === "INPUT" ? "input" : "button",
        };
      }
      list.textContent = "";
      chips.forEach(function (chip, index) {
        var item = el("li", "chip" + (chip.stopped ? " chip-stopped-on" : "") + (chip.unknown ? " chip-unknown" : ""));
        var text = el("span", "chip-text");
        text.appendChild(el("span", "chip-name", chip.name));
        if (chip.detail || chip.unknown) {
          var detail = el("span", "chip-detail");
          if (chip.unknown) {
            detail.textContent = " " + chip.unknown;
          } else {
            var arrow = el("span", "", " → ");
            arrow.setAttribute("aria-hidden", "true");
            detail.appendChild(arrow);
            detail.appendChild(visuallyHidden(", contains "));
            detail.appendChild(document.createTextNode(chip.detail));
          }
          text.appendChild(detail);
        }
        item.appendChild(text);

        var toggle = el("label", "chip-stopped");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.checked = chip.stopped;
        box.addEventListener("change", function () {
          chip.stopped = box.checked;
          item.classList.toggle("chip-stopped-on", chip.stopped);
          sync();
          submitSoon();
        });
        toggle.appendChild(box);
        var words = el("span", "", "Stopped");
        words.appendChild(visuallyHidden(" " + chip.name));
        words.appendChild(document.createTextNode(" in the last 5 weeks"));
        toggle.appendChild(words);
        item.appendChild(toggle);

        var remove = el("button", "chip-remove");
        remove.type = "button";
        remove.setAttribute("aria-label", "Remove " + chip.name);
        var cross = el("span", "", "×");
        cross.setAttribute("aria-hidden", "true");
        remove.appendChild(cross);
        remove.addEventListener("click", function () { removeChip(index); });
        item.appendChild(remove);

        list.appendChild(item);
      });
      emptyNote.hidden = chips.length > 0;
      count.textContent = chips.length ? "(" + chips.length + " of " + MAX_MEDICINES + ")" : "";
      if (restore && list.children[restore.index]) {
        list.children[restore.index].querySelector(restore.selector).focus();
      } else if (typeof focusIndex === "number") {
        var buttons = list.querySelectorAll(".chip-remove");
        if (buttons.length) buttons[Math.min(focusIndex, buttons.length - 1)].focus();
        else combo.focus();
      }
    }

    /* The chips are the truth; the original fields carry them in the GET query. */
    function sync() {
      drugsField.value = chips.filter(function (c) { return !c.stopped; }).map(function (c) { return c.name; }).join(", ");
      stoppedField.value = chips.filter(function (c) { return c.stopped; }).map(function (c) { return c.name; }).join(", ");
      // Empty fields stay out of the address, so a cleared form is plain /check/.
      drugsField.disabled = chips.length === 0;
      stoppedField.disabled = stoppedField.value === "";
    }

    function addChip(name, detail) {
      name = name.trim().replace(/\s+/g, " ");
      if (!name) return false;
      if (name.length > MAX_NAME) {
        showError("A medicine name can be at most " + MAX_NAME + " characters.");
        return false;
      }
      if (chips.some(function (c) { return same(c.name, name); })) {
        announce(comboStatus, name + " is already in your list.");
        return false;
      }
      if (chips.length >= MAX_MEDICINES) {
        showError("You can check up to " + MAX_MEDICINES + " medicines at a time. Remove one to add another.");
        return false;
      }
      showError("");
      chips.push({ name: name, detail: detail || "", stopped: false });
      render();
      sync();
      announce(comboStatus, "Added " + name + ". " + chips.length + (chips.length === 1 ? " medicine" : " medicines") + " in your list.");
      if (!detail && /[\s&+\/;]/.test(name)) splitLikeTheServer(name);
      return true;
    }

    /* "phenelzine and prozac" typed in one go is two medicines. The server's parser is the
       one truth (the API's `query` says what text each medicine was read from), so ask it
       rather than guess; "Tylenol with Codeine" stays one chip. */
    function splitLikeTheServer(name) {
      if (!checkUrl || !window.fetch) return;
      window.fetch(checkUrl + "?drugs=" + encodeURIComponent(name), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          var lower = name.toLowerCase();
          var parts = (data.resolved || []).concat(data.unresolved || [])
            .map(function (item) { return item.query; })
            .filter(function (query, i, all) { return query && all.indexOf(query) === i; })
            .sort(function (a, b) { return lower.indexOf(a.toLowerCase()) - lower.indexOf(b.toLowerCase()); });
          var index = chips.findIndex(function (c) { return c.name === name; });
          if (parts.length < 2 || index < 0) return;
          var stopped = chips[index].stopped;
          var fresh = parts
            .filter(function (part) { return !chips.some(function (c) { return same(c.name, part); }); })
            .slice(0, MAX_MEDICINES - chips.length + 1)
            .map(function (part) { return { name: part, detail: "", stopped: stopped }; });
          Array.prototype.splice.apply(chips, [index, 1].concat(fresh));
          sync();
          render();
          readResult(document); // what the last result says of each new name
          announce(comboStatus, "Read as " + parts.length + " medicines: " + parts.join(", ") + ".");
        })
        .catch(function () {});
    }

    function removeChip(index) {
      var removed = chips.splice(index, 1)[0];
      showError("");
      render(index);
      sync();
      announce(comboStatus, "Removed " + removed.name + ".");
      submitSoon();
    }

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = !message;
    }

    function submitSoon() {
      if (!inPlace) return;
      autoSubmit = true; // a chip added or removed: the result follows, focus stays put
      form.requestSubmit();
    }

    /* What the server recognised: "Zoloft → sertraline", or "not recognised". */
    function readResult(root) {
      var results = root.querySelector ? root.querySelector("#results") : null;
      if (!results && root.id === "results") results = root;
      if (!results) return;
      results.querySelectorAll("[data-query]").forEach(function (node) {
        chips.forEach(function (chip) {
          if (same(chip.name, node.getAttribute("data-query"))) {
            chip.detail = node.getAttribute("data-detail") || "";
            chip.unknown = node.getAttribute("data-unknown") || "";
          }
        });
      });
      render();
    }
    form.readResult = readResult;

    clearAll.addEventListener("click", function () {
      chips = [];
      showError("");
      render();
      sync();
      announce(comboStatus, "All medicines removed.");
      combo.focus();
      submitSoon();
    });

    /* -------- combobox (ARIA 1.2, list autocomplete) */

    function close() {
      listbox.hidden = true;
      listbox.textContent = "";
      combo.setAttribute("aria-expanded", "false");
      combo.removeAttribute("aria-activedescendant");
      options = [];
      active = -1;
    }

    function show(results) {
      listbox.textContent = "";
      options = results;
      active = -1;
      combo.removeAttribute("aria-activedescendant");
      if (!results.length) {
        close();
        announce(comboStatus, "No suggestions. Press Enter to add it as you typed it.");
        return;
      }
      results.forEach(function (result, index) {
        var option = el("li");
        option.id = "drug-option-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.appendChild(el("span", "option-name", result.name));
        var names = ingredientNames(result);
        if (names && !same(names, result.name)) {
          var detail = el("span", "option-detail");
          var arrow = el("span", "", " → ");
          arrow.setAttribute("aria-hidden", "true");
          detail.appendChild(arrow);
          detail.appendChild(visuallyHidden(", contains "));
          detail.appendChild(document.createTextNode(names));
          option.appendChild(detail);
        }
        option.addEventListener("click", function () { pick(index); });
        listbox.appendChild(option);
      });
      listbox.hidden = false;
      combo.setAttribute("aria-expanded", "true");
      announce(
        comboStatus,
        results.length + (results.length === 1 ? " suggestion" : " suggestions") +
          ". Use the up and down arrow keys to choose, then Enter."
      );
    }

    function highlight(index) {
      var nodes = listbox.querySelectorAll("[role=option]");
      if (!nodes.length) return;
      active = (index + nodes.length) % nodes.length;
      nodes.forEach(function (node, i) { node.setAttribute("aria-selected", i === active ? "true" : "false"); });
      combo.setAttribute("aria-activedescendant", nodes[active].id);
      nodes[active].scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      var result = options[index];
      if (!result) return;
      var names = ingredientNames(result);
      close();
      combo.value = "";
      if (addChip(result.name, same(names, result.name) ? "" : names)) submitSoon();
      combo.focus();
    }

    function suggest() {
      var text = combo.value.trim();
      window.clearTimeout(timer);
      if (text.length < MIN_CHARS || !suggestUrl || !window.fetch) {
        close();
        return;
      }
      var mine = ++sequence;
      timer = window.setTimeout(function () {
        window.fetch(suggestUrl + "?q=" + encodeURIComponent(text), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            // Stale: a newer request, focus gone, or the name was added meanwhile.
            if (mine !== sequence || document.activeElement !== combo || combo.value.trim() !== text) return;
            show((data && data.results) || []);
          })
          .catch(function () { if (mine === sequence) close(); });
      }, DELAY_MS);
    }

    combo.addEventListener("input", function () {
      // Typing or pasting "zoloft, ultram, " adds every finished name as a chip.
      if (combo.value.indexOf(",") !== -1) {
        var parts = combo.value.split(",");
        var rest = parts.pop();
        var added = false;
        parts.forEach(function (part) { added = addChip(part) || added; });
        combo.value = rest.replace(/^\s+/, "");
        if (added) submitSoon();
      }
      suggest();
    });

    combo.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (open) highlight(active + 1);
          else suggest();
          break;
        case "ArrowUp":
          if (open) {
            event.preventDefault();
            highlight(active < 0 ? -1 : active - 1);
          }
          break;
        case "Enter":
          if (open && active >= 0) {
            event.preventDefault();
            pick(active);
          } else if (combo.value.trim()) {
            event.preventDefault();
            var name = combo.value;
            close();
            combo.value = "";
            if (addChip(name)) submitSoon();
          } else {
            event.preventDefault();
            close();
            form.requestSubmit();
          }
          break;
        case "Escape":
          if (open) {
            event.preventDefault();
            close();
          } else if (combo.value) {
            event.preventDefault();
            combo.value = "";
          }
          break;
        case "Tab":
          close();
          break;
      }
    });

    combo.addEventListener("blur", function () {
      // Let a click on an option land before the list closes.
      window.setTimeout(function () { if (document.activeElement !== combo) close(); }, 150);
    });
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });

    addButton.addEventListener("click", function () {
      var name = combo.value;
      close();
      combo.value = "";
      if (addChip(name)) submitSoon();
      combo.focus();
    });

    // Capture runs before htmx's own submit handler: a name still in the box is included.
    // A submit the person asked for (Check, or Enter in an empty box) brings the result
    // into view when it arrives; one made by adding or removing a chip does not.
    form.addEventListener(
      "submit",
      function () {
        form.bringResultIntoView = !autoSubmit;
        autoSubmit = false;
        if (combo.value.trim()) {
          addChip(combo.value);
          combo.value = "";
          close();
        }
        sync();
      },
      true
    );
  }

  /* ------------------------------------------------------------------ results */

  function showResultActions(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("[data-result-actions]").forEach(function (node) { node.hidden = false; });
    if (scope.matches && scope.matches("[data-result-actions]")) scope.hidden = false;
  }

  function announceResult(results) {
    var region = document.querySelector("[data-result-status]");
    var summary = results && results.querySelector("[data-announce]");
    if (region && summary) announce(region, summary.textContent.replace(/\s+/g, " ").trim());
  }

  /* After a Check: focus the result's heading (tabindex=-1) and scroll it to the top, so a
     phone shows the result, not the form. The live region still announces it politely. */
  function bringIntoView(results) {
    var heading = results.querySelector("#results-heading");
    if (!heading) return;
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start" });
  }

  function copyLink(button) {
    var status = button.parentNode.querySelector("[data-copy-status]");
    var url = window.location.href;
    function fallback() {
      var field = button.parentNode.querySelector(".copy-fallback");
      if (!field) {
        field = document.createElement("input");
        field.type = "text";
        field.readOnly = true;
        field.className = "copy-fallback";
        field.setAttribute("aria-label", "Link to this result");
        button.parentNode.appendChild(field);
      }
      field.value = url;
      field.focus();
      field.select();
      if (status) status.textContent = "Copy the selected link.";
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () {
        if (status) status.textContent = "Link copied.";
      }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print], [data-print-card], [data-copy-link]") : null;
    if (!target) return;
    if (target.hasAttribute("data-print")) window.print();
    else if (target.hasAttribute("data-print-card")) printCard();
    else copyLink(target);
  });

  /* The wallet card is a second print layout of the same page (see checker.css). */
  function printCard() {
    var root = document.documentElement;
    root.setAttribute("data-print-layout", "card");
    window.addEventListener("afterprint", function done() {
      root.removeAttribute("data-print-layout");
      window.removeEventListener("afterprint", done);
    });
    window.print();
  }

  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("form[data-check-form]").forEach(enhance);
    showResultActions(scope);
  }

  if (window.htmx) {
    // Runs for the first page and for every piece htmx swaps in (history restores too).
    window.htmx.onLoad(init);
    document.body.addEventListener("htmx:afterSettle", function () {
      var results = document.getElementById("results");
      if (!results) return;
      document.querySelectorAll("form[data-check-form]").forEach(function (form) {
        if (form.readResult) form.readResult(results);
      });
      announceResult(results);
      document.querySelectorAll("form[data-check-form]").forEach(function (form) {
        if (form.bringResultIntoView) bringIntoView(results);
        form.bringResultIntoView = false;
      });
    });
    document.body.addEventListener("htmx:responseError", function () {
      var region = document.querySelector("[data-result-status]");
      announce(region, "Sorry, the check did not load. Press Check to try again.");
    });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
