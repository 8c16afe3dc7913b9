// Progressive enhancement only: every page works without this file.

// A file larger than the server takes is refused before anything is sent, next to its field:
// a too big request would be cut off by the server and what was typed would be lost.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var inputs = form.querySelectorAll("input[type=file][data-max-bytes]");
  var refused = false;
  inputs.forEach(function (input) {
    var max = parseInt(input.dataset.maxBytes, 10);
    var old = document.getElementById("js-e-" + input.id);
    if (old) { old.remove(); }
    var big = Array.prototype.filter.call(input.files || [], function (f) { return f.size > max; });
    if (!big.length) { return; }
    refused = true;
    var note = document.createElement("p");
    note.className = "error";
    note.id = "js-e-" + input.id;
    note.setAttribute("role", "alert");
    note.textContent = big.map(function (f) { return "„" + f.name + "“"; }).join(", ") +
      (big.length > 1 ? " sind" : " ist") + " zu groß. Erlaubt sind höchstens " + input.dataset.maxText +
      " pro Datei. Bitte wählen Sie eine kleinere Datei. Ihre Eingaben sind noch da.";
    input.parentNode.insertBefore(note, input);
    input.setAttribute("aria-invalid", "true");
    input.focus();
  });
  if (refused) { event.preventDefault(); event.stopImmediatePropagation(); }
}, true);

// "Summe prüfen" on the proof of use adds up the receipts in the page, so chosen files stay chosen.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("button[data-sum-target]");
  if (!button) { return; }
  var out = document.getElementById(button.dataset.sumTarget);
  if (!out) { return; }
  event.preventDefault();
  var cents = 0;
  document.querySelectorAll("input[data-receipt-amount]").forEach(function (input) {
    var text = input.value.trim().replace(/\s|€/g, "").replace(/\./g, "").replace(",", ".");
    if (text && !isNaN(Number(text))) { cents += Math.round(Number(text) * 100); }
  });
  var euros = (cents / 100).toLocaleString("de-DE", { style: "currency", currency: "EUR" });
  out.textContent = euros;
  var status = document.getElementById(button.dataset.sumStatus);
  if (!status) { return; }
  var approved = parseInt(status.dataset.approved || "0", 10);
  var text = "Laut Belegliste ausgegeben: " + euros + ".";
  if (cents < approved) {
    text += " Sie haben " + ((approved - cents) / 100).toLocaleString("de-DE", { style: "currency", currency: "EUR" }) +
      " weniger ausgegeben als bewilligt. Der Zuschuss wird dann auf die tatsächlichen Kosten gekürzt; was schon" +
      " mehr ausgezahlt wurde, müssen Sie zurückzahlen.";
  }
  status.textContent = text + " Ihre gewählten Dateien sind noch ausgewählt.";
  status.hidden = false;
});

// A form is sent once: a second click while the first request runs is ignored.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sending === "1") { event.preventDefault(); return; }
  form.dataset.sending = "1";
  window.setTimeout(function () { form.dataset.sending = ""; }, 8000);
});
