() => {
  // One language for the page and the server's messages, kept across reloads.
  // The page's language is Gradio's i18n locale, which sets <html lang>: whatever changes it
  // (this switch, Gradio's Settings picker, the browser's language at first visit) is
  // remembered in localStorage, in the URL (?lang=zh) and in a cookie that every request
  // sends, so the server writes its messages in it too (demos/i18n request_language).
  const KEY = "gallery-lang";
  const short = (tag) => ((tag || "").toLowerCase().startsWith("zh") ? "zh" : "en");
  const locale = (lang) => (lang === "zh" ? "zh-CN" : "en");  // Gradio's names for them

  const remember = (lang, inUrl) => {
    localStorage.setItem(KEY, lang);
    document.cookie = `${KEY}=${lang}; path=/; max-age=31536000; SameSite=Lax`;
    document.documentElement.dataset.galleryLanguage = lang;
    for (const button of document.querySelectorAll("[data-gallery-lang]")) {
      button.setAttribute("aria-pressed", String(button.dataset.galleryLang === lang));
    }
    if (inUrl) {
      const url = new URL(location.href);
      url.searchParams.set("lang", lang);
      history.replaceState(history.state, "", url);
    }
  };

  // Gradio's own changeLocale (the Settings picker's), from the module the page loaded
  const coreUrl = performance
    .getEntriesByType("resource")
    .map((entry) => entry.name)
    .find((name) => /\/assets\/core-[\w-]+\.js$/.test(name));
  const core = import(coreUrl);
  const switchTo = async (lang) => (await core).changeLocale(locale(lang));

  new MutationObserver(() => remember(short(document.documentElement.lang), true)).observe(
    document.documentElement,
    { attributes: true, attributeFilter: ["lang"] },
  );
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-gallery-lang]");
    if (button) switchTo(button.dataset.galleryLang);
  });

  const current = short(document.documentElement.lang || navigator.language);
  const wanted = new URLSearchParams(location.search).get("lang") || localStorage.getItem(KEY);
  remember(current, false);
  if (wanted && short(wanted) !== current) switchTo(short(wanted));
}
