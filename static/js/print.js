// Buttons marked data-print print the page (inline handlers are blocked by our CSP).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
