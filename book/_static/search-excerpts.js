// Excerpts under search results, also offline. Sphinx's search page fetches each result's page to
// cut an excerpt from it, which a page opened from file:// may not do. nncourse_search.py writes
// the text of every section into search-text.js (window.NNCOURSE_SEARCH_TEXT); this script answers
// Sphinx's fetch of a book page with a small page built from that text, and passes every other
// request on unchanged. Loaded on the search page only.
(() => {
  const pages = window.NNCOURSE_SEARCH_TEXT;
  if (!pages) return;
  const originalFetch = window.fetch.bind(window);
  const suffix = window.DOCUMENTATION_OPTIONS?.FILE_SUFFIX ?? ".html";
  const root = document.documentElement.dataset.content_root ?? "";
  const pageOf = new Map(
    Object.keys(pages).map((doc) => [new URL(root + doc + suffix, window.location.href).href, doc])
  );

  const pageHtml = (sections) => {
    const main = document.createElement("div");
    main.setAttribute("role", "main");
    const byId = new Map();
    for (const [id, , text, parent] of sections) {
      const section = document.createElement("section");
      section.id = id;
      section.appendChild(document.createElement("p")).textContent = `${text} `;
      (byId.get(parent) ?? main).appendChild(section);
      byId.set(id, section);
    }
    return `<!DOCTYPE html><html><body>${main.outerHTML}</body></html>`;
  };

  window.fetch = (resource, options) => {
    const url = typeof resource === "string" ? resource : resource?.url;
    const doc = url && pageOf.get(new URL(url, window.location.href).href.split("#")[0]);
    if (!doc) return originalFetch(resource, options);
    const headers = { "Content-Type": "text/html; charset=utf-8" };
    return Promise.resolve(new Response(pageHtml(pages[doc]), { headers }));
  };
})();
