// The copy button of a link shown once (templates/deliveries/links/created.html).
// Progressive: without JavaScript the button stays hidden and the link can be selected by
// hand; the WhatsApp button is a plain wa.me link. (Inline handlers are blocked by our CSP.)
(function () {
  function selectAll(input) {
    input.focus();
    input.select();
    input.setSelectionRange(0, input.value.length);
  }

  document.querySelectorAll("[data-select-all]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (!input) return;
    function say(text) { if (status) status.textContent = text; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(
          function () { say("Copied. Paste it into a message to the substitute."); },
          function () { selectAll(input); say("Press Ctrl+C (or long-press → Copy) to copy it."); }
        );
        return;
      }
      // Plain-HTTP pages have no clipboard API: select the text and use the old command.
      selectAll(input);
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      say(copied ? "Copied. Paste it into a message to the substitute."
                 : "Press Ctrl+C (or long-press → Copy) to copy it.");
    });
  });
})();
