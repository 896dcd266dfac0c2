// A visible cue on every box that scrolls sideways: display equations, tables and code blocks
// wider than the column (55 equations on a phone, 6 on a laptop). The box gets the class
// nncourse-more-right while content is hidden on its right, nncourse-more-left while content is
// hidden on its left; nncourse.css fades that edge. Updated when the box scrolls or changes size.
(() => {
  const SCROLLERS = [
    'mjx-container[display="true"]',
    ".pst-scrollable-table-container", // pydata-sphinx-theme's box round a table
    ".table-wrapper",
    "div.highlight pre",
  ].join(", ");

  const mark = (box) => {
    const hidden = box.scrollWidth - box.clientWidth;
    box.classList.toggle("nncourse-more-right", hidden > 1 && box.scrollLeft < hidden - 1);
    box.classList.toggle("nncourse-more-left", hidden > 1 && box.scrollLeft > 1);
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
