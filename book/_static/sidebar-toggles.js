// Make the visible sidebar buttons work: "Toggle primary sidebar" (the ☰ at the top left of the
// article) and "Toggle secondary sidebar" (the contents icon at the top right).
//
// Why: pydata-sphinx-theme 0.17 puts a hidden header (#pst-header) before the article, with its own
// .primary-toggle and .secondary-toggle buttons. pydata-sphinx-theme (the drawers under 992 px)
// and sphinx-book-theme 1.3 (the collapse on wider screens) both bind their click handlers with
// document.querySelector(".primary-toggle"), i.e. to the hidden button in that header, so the
// buttons a reader can see do nothing (pydata/pydata-sphinx-theme#2451, executablebooks/
// sphinx-book-theme#865). A version bound cannot fix it: sphinx-book-theme 1.3.0 requires
// pydata-sphinx-theme==0.17.1 exactly, and sphinx-book-theme 1.4 needs Sphinx 8, which Jupyter
// Book 1 does not support.
//
// What: a click on any other button of the same kind is passed on to the button the themes listen
// to, so the themes' own code opens the drawer (a <dialog>) or collapses the sidebar. When a
// future theme binds the visible button itself (only one button of each kind, or the visible one
// first), this script does nothing. tests/browser/test_navigation.py checks the result.
document.addEventListener("DOMContentLoaded", () => {
  for (const kind of [".primary-toggle", ".secondary-toggle"]) {
    const bound = document.querySelector(kind);
    if (!bound) continue;
    for (const button of document.querySelectorAll(kind)) {
      if (button === bound) continue;
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
    }
  }
});
