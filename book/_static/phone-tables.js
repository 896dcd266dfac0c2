// Tables of three or more columns read as one card per row on a phone (nncourse.css, under 600 px):
// each cell is labelled with its column's heading, so no column hides off the right edge (the
// exercises index hid its "you write" column; the notation table its "Shape"). This script only
// copies each column heading into data-label on the cells below it and marks the table.
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("article table")) {
    const headings = [...table.querySelectorAll("thead tr:last-child th")].map((th) =>
      th.textContent.trim()
    );
    if (headings.length < 3 || table.closest(".nncourse-figure")) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => cell.setAttribute("data-label", headings[i] ?? ""));
    }
    table.classList.add("nncourse-cards-on-phone");
  }
});
