
// An application's logo that fails to load (gone, or its host unreachable) is hidden,
// so the application's initials under it show. Without this script the tile stays
// plain: alt="" keeps a broken image from showing its icon.
const hideBrokenLogo = (img) => {
  if (img.complete && img.naturalWidth === 0) img.hidden = true;
};
document.addEventListener("error", (event) => {
  if (event.target instanceof HTMLImageElement && event.target.closest(".app-logo")) {
    event.target.hidden = true;
  }
}, true);
document.querySelectorAll(".app-logo img").forEach(hideBrokenLogo);

// Back from starring or unstarring (a full reload to #app-…): the focus returns to
// that entry's star, where the person left it; again once the page has loaded, as
// going to the anchor moves the focus to the page. Without this script the anchor
// scrolls the entry into view.
const refocusStar = () => {
  const params = new URLSearchParams(location.search);
  if (!params.has("added") && !params.has("removed")) return;
  const entry = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const star = entry && entry.matches(".catalog-entry") && entry.querySelector("form.star button");
  if (star) star.focus();
};
refocusStar();
window.addEventListener("load", () => setTimeout(refocusStar, 0));
