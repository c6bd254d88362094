// Copy buttons: <button data-copy="text" data-copied="Copied">. Without this script the
// text stays selectable beside the button.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.dataset.copy).then(() => {
    button.textContent = button.dataset.copied;
  });
});

// A link to a block folded in a <details> (Cancel → /profile#other-actions) unfolds it.
// Without this script the block stays folded, one click away.
const unfoldTarget = () => {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target) return;
  const details = target.closest("details") || target.querySelector("details");
  if (details) details.open = true;
};
unfoldTarget();
window.addEventListener("hashchange", unfoldTarget);
