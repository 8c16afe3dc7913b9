// Progressive enhancement only: every page works without this file.
// A form is sent once: a second click while the first request runs is ignored.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sending === "1") { event.preventDefault(); return; }
  form.dataset.sending = "1";
  window.setTimeout(function () { form.dataset.sending = ""; }, 8000);
});
