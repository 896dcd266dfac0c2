// A second skip link on pages with an interactive figure: "Skip to the interactive figure", next to
// the theme's "Skip to main content" at the very top of the Tab order. A keyboard reader reaches the
// first slider in three Tab presses and Enter instead of walking through the sidebar and every
// link and code block before it (tests/browser/test_keyboard.py counts them).
document.addEventListener("DOMContentLoaded", () => {
  const skip = document.getElementById("pst-skip-link");
  const figure = document.querySelector(".nncourse-figure[id]:has(input[type=range])");
  if (!skip || !figure) return;
  const link = document.createElement("a");
  link.href = `#${figure.id}`;
  link.textContent = "Skip to the interactive figure";
  skip.append(" · ", link);
});
