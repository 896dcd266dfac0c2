// Search ranking (Sphinx's html_search_scorer): Sphinx's default scores, plus a boost for the
// page whose title begins with what the reader typed, so "softmax" finds the chapter "Softmax and
// one-hot encoding" first, before the glossary entry and the pages that only mention it; a page
// whose title merely contains the words comes next. Titles are compared without a leading
// "The"/"A"; the query is read from the search page's address (search.html?q=...).
var Scorer = {
  score: (result) => {
    const [, title, anchor, descr, score] = result;
    const query = Scorer.words(new URLSearchParams(window.location.search).get("q") || "");
    if (!query.length || anchor || descr) return score;
    const words = Scorer.words(title).filter((w, i) => i > 0 || !["the", "a", "an"].includes(w));
    if (query.every((w, i) => words[i] === w)) return score + Scorer.titleStart;
    if (query.every((w) => words.includes(w))) return score + Scorer.titleWords;
    return score;
  },
  // Above an exact index entry (a glossary term scores 100) and far above the rest.
  titleStart: 200,
  titleWords: 20,
  words: (text) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean),

  // Sphinx's defaults (sphinx/themes/basic/static/searchtools.js).
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
