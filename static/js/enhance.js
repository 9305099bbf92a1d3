// Progressive enhancement only; every page works without it.
// 1. Reply: without JavaScript, "Reply" loads ?replytocom=ID#respond and the server renders
//    "Replying to NAME". With it, the form moves under the comment.
// 2. Quantity steppers: − and + buttons beside each quantity field of the shop and the cart
//    (a phone's number field has no arrows). The form still sends the field's value.
(function () {
  "use strict";
  document.querySelectorAll("input[data-stepper]").forEach(function (input) {
    function button(text, label, delta) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "stepper__button";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", function () {
        var min = input.min === "" ? -Infinity : Number(input.min);
        var max = input.max === "" ? Infinity : Number(input.max);
        var next = Math.min(max, Math.max(min, Math.round(Number(input.value) || 0) + delta));
        input.value = String(next);
        input.dispatchEvent(new Event("change", { bubbles: true }));
        said.textContent = "Quantity " + next;
      });
      return b;
    }
    var what = input.getAttribute("data-stepper");
    var box = document.createElement("span");
    box.className = "stepper";
    // Tells a screen reader the new value: the focus stays on the button pressed.
    var said = document.createElement("span");
    said.className = "visually-hidden";
    said.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(box, input);
    box.appendChild(button("\u2212", "One fewer " + what, -1));
    box.appendChild(input);
    box.appendChild(button("+", "One more " + what, 1));
    box.appendChild(said);
  });

  var respond = document.getElementById("respond");
  var form = document.getElementById("commentform");
  if (!respond || !form) return;
  var home = respond.parentNode;
  var heading = respond.querySelector("h3");
  var original = heading ? heading.textContent : "";

  function parentInput() {
    var input = form.querySelector("input[name=comment_parent]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "comment_parent";
      form.appendChild(input);
    }
    return input;
  }

  function cancelLink() {
    var cancel = respond.querySelector(".respond__cancel");
    if (!cancel) {
      cancel = document.createElement("p");
      cancel.className = "respond__cancel";
      var link = document.createElement("a");
      link.href = "#respond";
      link.textContent = "Cancel reply";
      cancel.appendChild(link);
      form.parentNode.insertBefore(cancel, form);
    }
    return cancel;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".comment__reply a, .respond__cancel a") : null;
    if (!link) return;
    event.preventDefault();
    if (link.parentNode.classList.contains("respond__cancel")) {
      home.appendChild(respond);
      parentInput().value = "";
      if (heading) heading.textContent = original.indexOf("Replying") === 0 ? "Leave a reply" : original;
      link.parentNode.remove();
      return;
    }
    var id = new URL(link.href, location.href).searchParams.get("replytocom");
    var comment = document.getElementById("comment-" + id);
    if (!comment) return;
    comment.querySelector(".comment__body").after(respond);
    parentInput().value = id;
    var name = comment.querySelector(".comment__author");
    if (heading && name) heading.textContent = "Replying to " + name.textContent.trim();
    cancelLink();
    var textarea = form.querySelector("textarea");
    if (textarea) textarea.focus();
  });
})();
