// Neurolysis Checklist: a multiple-choice list is one Tab stop.
// Each group of checkboxes in a <fieldset> (its <legend> names the group for screen
// readers) takes the Tab key once, like a native radio group: the arrow keys (and Home,
// End) move between its boxes, Space ticks or unticks the one with the focus. This is the
// "roving tabindex" pattern: the box last visited keeps tabindex 0, the others -1.
// Without this script every box is a Tab stop and the form posts the same values.
(function () {
  "use strict";

  var GROUP = "fieldset";
  var BOX = 'input[type="checkbox"]';

  function boxesOf(group) {
    return Array.prototype.filter.call(group.querySelectorAll(BOX), function (box) {
      return !box.disabled;
    });
  }

  function isGroup(fieldset) {
    var boxes = boxesOf(fieldset);
    if (boxes.length < 2) return false;
    var name = boxes[0].name;
    return boxes.every(function (box) { return box.name === name; });
  }

  function makeCurrent(boxes, current) {
    boxes.forEach(function (box) { box.tabIndex = box === current ? 0 : -1; });
  }

  // Screen readers announce the group's legend, then this hint, on entering it.
  function hint() {
    var node = document.getElementById("roving-hint");
    if (!node) {
      node = document.createElement("span");
      node.id = "roving-hint";
      node.className = "visually-hidden";
      node.textContent = "Arrow keys move between the options; Space ticks one.";
      document.body.appendChild(node);
    }
    return node.id;
  }

  // Enter the group on the first ticked box, else the first box.
  function setUp(root) {
    (root || document).querySelectorAll(GROUP).forEach(function (fieldset) {
      if (!isGroup(fieldset)) return;
      fieldset.dataset.rovingGroup = "";
      var described = (fieldset.getAttribute("aria-describedby") || "").split(" ");
      if (described.indexOf("roving-hint") === -1) {
        fieldset.setAttribute("aria-describedby", described.concat(hint()).join(" ").trim());
      }
      var boxes = boxesOf(fieldset);
      var ticked = boxes.filter(function (box) { return box.checked; });
      makeCurrent(boxes, ticked[0] || boxes[0]);
    });
  }

  var MOVES = {
    ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, Home: "first", End: "last",
  };

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(BOX)) return;
    var group = box.closest("[data-roving-group]");
    if (!group || !(event.key in MOVES) || event.altKey || event.ctrlKey || event.metaKey) return;
    var boxes = boxesOf(group);
    var index = boxes.indexOf(box);
    var move = MOVES[event.key];
    var next;
    if (move === "first") next = boxes[0];
    else if (move === "last") next = boxes[boxes.length - 1];
    else next = boxes[(index + move + boxes.length) % boxes.length];
    event.preventDefault(); // the arrows would scroll the page
    makeCurrent(boxes, next);
    next.focus();
  });

  // A box clicked or focused from a link becomes the group's Tab stop.
  document.addEventListener("focusin", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(BOX)) return;
    var group = box.closest("[data-roving-group]");
    if (group) makeCurrent(boxesOf(group), box);
  });

  setUp(document);
  // The note form swaps its checklist in when the codes change.
  window.checkboxGroups = { setUp: setUp };
})();
