// values: instants rendered by the server in UTC (<time datetime data-when>) are shown in
// the reader's time zone and language; recent ones as relative text ("5 minutes ago"),
// with the exact local time in the title. The datetime attribute is never changed.
(() => {
  const times = document.querySelectorAll("time[data-when]");
  if (!times.length || typeof Intl === "undefined") return;
  const lang = document.documentElement.lang || undefined;
  const short = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  const exact = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "long" });
  const relative = Intl.RelativeTimeFormat
    ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" })
    : null;
  const DAY = 24 * 60 * 60;
  // The largest unit that fits, for an age under a day (in seconds).
  const ago = (seconds) => {
    // Under a minute is "now": the text is refreshed once a minute.
    if (seconds < 60) return relative.format(0, "second");
    if (seconds < 3600) return relative.format(-Math.floor(seconds / 60), "minute");
    return relative.format(-Math.floor(seconds / 3600), "hour");
  };
  const render = () => {
    const now = Date.now();
    for (const el of times) {
      const at = new Date(el.getAttribute("datetime"));
      if (Number.isNaN(at.getTime())) continue;
      const full = exact.format(at);
      // A clock a little ahead of the reader's still reads as "now".
      const age = Math.max(0, (now - at.getTime()) / 1000);
      const recent = now - at.getTime() > -60000 && age < DAY;
      if (el.dataset.when === "relative" && relative && recent) {
        el.textContent = ago(age);
      } else {
        el.textContent = el.dataset.when === "exact" ? full : short.format(at);
      }
      el.title = full;
    }
  };
  render();
  // "5 minutes ago" stays true while the page is open.
  setInterval(render, 60000);
})();
