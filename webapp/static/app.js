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

// The guideline editor: the line numbers follow the text as it is typed and the box grows with it;
// a link to an error puts the cursor on its line; the cursor's line and column are shown.
(function () {
  var editor = document.querySelector("[data-editor]");
  if (!editor) { return; }
  var area = editor.querySelector("textarea");
  var gutter = editor.querySelector(".gutter");
  var pos = document.getElementById("editor-pos");
  var current = null;
  function lineCount() { return area.value.split("\n").length; }
  function renumber() {
    var n = lineCount();
    while (gutter.children.length > n) { gutter.removeChild(gutter.lastChild); }
    for (var i = gutter.children.length + 1; i <= n; i++) {
      var item = document.createElement("li");
      item.id = "zeile-" + i;
      item.textContent = String(i);
      gutter.appendChild(item);
    }
    area.rows = n + 1;
  }
  function show() {
    var offset = area.selectionStart;
    var line = area.value.slice(0, offset).split("\n").length;
    var column = offset - area.value.lastIndexOf("\n", offset - 1);
    if (pos) { pos.hidden = false; pos.textContent = "Cursor: Zeile " + line + ", Spalte " + column; }
    if (current) { current.classList.remove("current"); }
    current = document.getElementById("zeile-" + line);
    if (current) { current.classList.add("current"); }
  }
  function selectLine(line) {
    var lines = area.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1] || "").length);
    var item = document.getElementById("zeile-" + line);
    if (item && item.scrollIntoView) { item.scrollIntoView({ block: "center" }); }
    show();
  }
  area.addEventListener("input", function () { renumber(); show(); });
  area.addEventListener("keyup", show);
  area.addEventListener("click", show);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-editor-line]");
    if (!link) { return; }
    event.preventDefault();
    selectLine(parseInt(link.dataset.editorLine, 10) || 1);
  });
  renumber();
})();
