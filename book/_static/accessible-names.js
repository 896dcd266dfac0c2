// Accessible names for a few controls of the book's theme, so that screen-reader and voice-control
// users hear (and can say) what sighted readers see. Found by the axe-core scan in
// tests/browser/test_site.py (rules label-content-name-mismatch and summary-name).
document.addEventListener("DOMContentLoaded", () => {
  // "Search Ctrl+K" buttons and "Show code cell source" toggles: their aria-label hid the visible
  // text; without it the accessible name is the visible text.
  for (const element of document.querySelectorAll(
    ".search-button__button[aria-label], summary[aria-label='Toggle hidden content']"
  )) {
    element.removeAttribute("aria-label");
  }
  // The colour-mode button shows only icons: its name is its aria-label, "Color mode" (the icons'
  // titles, which Font Awesome turns into SVG <title>s, contradicted it).
  // Font Awesome may have turned the <i> into an <svg> already, or may do so later: clean both.
  for (const icon of document.querySelectorAll(".theme-switch-button :is(i, svg)")) {
    icon.setAttribute("aria-hidden", "true");
    icon.removeAttribute("title");
    icon.removeAttribute("aria-labelledby");
    for (const title of icon.querySelectorAll("title")) title.remove();
  }
  // The arrows that open a part of the navigation: name them after the page they open.
  for (const summary of document.querySelectorAll("li.has-children > details > summary")) {
    const link = summary.closest("li").querySelector(":scope > a");
    const page = link ? link.textContent.trim() : "this part";
    summary.setAttribute("aria-label", `Pages under ${page}`);
  }
});
