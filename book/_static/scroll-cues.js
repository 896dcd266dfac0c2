// A visible cue on every box that scrolls sideways: display equations, tables, code blocks and wide
// figures wider than the column (55 equations on a phone, 6 on a laptop). The box gets the class
// nncourse-more-right while content is hidden on its right, nncourse-more-left while content is
// hidden on its left; nncourse.css fades that edge. Updated when the box scrolls or changes size.
// A box that scrolls also takes the focus, for the arrow keys.
(() => {
  const SCROLLERS = [
    'mjx-container[display="true"]',
    ".pst-scrollable-table-container", // pydata-sphinx-theme's box round a table
    ".table-wrapper",
    "div.highlight pre",
    "div.cell_output:has(> img.nncourse-wide-figure)", // a figure shown at its own size (nncourse.css)
  ].join(", ");

  const mark = (box) => {
    const hidden = box.scrollWidth - box.clientWidth;
    box.classList.toggle("nncourse-more-right", hidden > 1 && box.scrollLeft < hidden - 1);
    box.classList.toggle("nncourse-more-left", hidden > 1 && box.scrollLeft > 1);
    // A box that scrolls is a Tab stop, so that the arrow keys can scroll it (axe-core rule
    // scrollable-region-focusable); one that fits is not.
    if (hidden > 1 && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.dataset.nncourseScrolls = "";
    } else if (hidden <= 1 && "nncourseScrolls" in box.dataset) {
      box.removeAttribute("tabindex");
      delete box.dataset.nncourseScrolls;
    }
  };

  const watch = () => {
    const resized = new ResizeObserver((entries) => entries.forEach((e) => mark(e.target)));
    for (const box of document.querySelectorAll(SCROLLERS)) {
      box.addEventListener("scroll", () => mark(box), { passive: true });
      resized.observe(box);
      mark(box);
    }
    document.fonts.ready.then(() => document.querySelectorAll(SCROLLERS).forEach(mark));
    document.documentElement.dataset.nncourseScrollCues = "ready";
  };

  document.addEventListener("DOMContentLoaded", () => {
    // Display equations exist once MathJax has typeset the page.
    const typeset = window.MathJax?.startup?.promise ?? Promise.resolve();
    typeset.then(watch, watch);
  });
})();
