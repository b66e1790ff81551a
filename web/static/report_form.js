// The report form's "add a party" button: a copy of the last party row, emptied (any number of parties).
(function () {
  var button = document.getElementById("party-add");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var rows = document.querySelectorAll("#report-form .party");
    var last = rows[rows.length - 1];
    var row = last.cloneNode(true);
    row.dataset.row = String(rows.length);
    row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
    row.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
    row.querySelectorAll("select").forEach(function (s) { s.selectedIndex = s.name === "party_role" ? 1 : 0; });
    row.querySelectorAll("details").forEach(function (d) { d.open = false; });
    last.after(row);
    row.querySelector("input[name=party_name]").focus();
  });
})();
