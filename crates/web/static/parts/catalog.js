
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
