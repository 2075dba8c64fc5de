// Suggestions from a vocabulary for a field holding values separated by " ; ".
// The browser's own <datalist> shows them: each option is the whole field value with the
// last value completed, so choosing one keeps what was typed before the last ";".
(() => {
  const DELAY_MS = 200;

  function attach(input) {
    if (input.dataset.termsReady) return;
    input.dataset.termsReady = "1";
    const list = document.createElement("datalist");
    list.id = `${input.id}-suggestions`;
    input.after(list);
    input.setAttribute("list", list.id);
    let timer = null;
    let asked = "";

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const value = input.value;
        const cut = value.lastIndexOf(";");
        const head = cut >= 0 ? `${value.slice(0, cut + 1).trimEnd()} ` : "";
        const typed = value.slice(cut + 1).trim();
        if (typed.length < 2 || typed === asked) return;
        asked = typed;
        const url = new URL(input.dataset.termsUrl, window.location.origin);
        url.searchParams.set("scheme", input.dataset.termsScheme);
        url.searchParams.set("branch", input.dataset.termsBranch || "");
        url.searchParams.set("q", typed);
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) return;
        const { results } = await response.json();
        list.replaceChildren(
          ...results.map((label) => {
            const option = document.createElement("option");
            option.value = `${head}${label}`;
            return option;
          }),
        );
      }, DELAY_MS);
    });
  }

  const scan = () => document.querySelectorAll("input[data-terms-scheme]").forEach(attach);
  document.addEventListener("DOMContentLoaded", scan);
  scan();
})();
