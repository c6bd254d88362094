// Copy buttons: <button data-copy="text" data-copied="Copied">. Without this script the
// text stays selectable beside the button.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.dataset.copy).then(() => {
    button.textContent = button.dataset.copied;
  });
});

// A link to a block folded in a <details> (Cancel → /profile#other-actions, whose
// whole body is one <details>) unfolds it; a block that merely holds folded rows (the
// identifiers) stays as it is. Without this script the block stays folded, one click away.
const unfoldTarget = () => {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target) return;
  const only = target.children.length === 1 ? target.firstElementChild : null;
  const details = target.closest("details") || (only && only.tagName === "DETAILS" ? only : null);
  if (details) details.open = true;
};
unfoldTarget();
window.addEventListener("hashchange", unfoldTarget);
