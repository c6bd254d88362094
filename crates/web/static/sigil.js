// Copy buttons: <button data-copy="text" data-copied="Copied">. Without this script the
// text stays selectable beside the button.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.dataset.copy).then(() => {
    button.textContent = button.dataset.copied;
  });
});
