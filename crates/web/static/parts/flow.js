// flow: privacy choices apply in place. A `form.privacy` posts as without this script,
// asking for JSON; the pressed button changes where it is and the polite live region
// (#live) says what now holds, so the page neither reloads nor jumps. A refusal is
// announced too. Anything else (no network, a signed-out session, a refused form
// token) submits the form as a plain form, and the server's page says what happened.
(() => {
  const announce = (text) => {
    const live = document.getElementById("live");
    if (!live || !text) return;
    // Emptied first, so that the same sentence twice in a row is read twice.
    live.textContent = "";
    window.setTimeout(() => {
      live.textContent = text;
    }, 50);
  };

  // In a task of its own: a failure that comes at once would otherwise land while the
  // first submit event is still being dispatched, when browsers ignore a new submit.
  const plainly = (form, button) => {
    form.dataset.plain = "1";
    window.setTimeout(() => form.requestSubmit(button), 0);
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form.privacy")) return;
    if (form.dataset.plain || !window.fetch) return;
    const button = event.submitter;
    if (!button || button.name !== "level") return;
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    const data = new FormData(form);
    data.set(button.name, button.value);
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(data),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(async (response) => {
        const type = response.headers.get("content-type") || "";
        if (!type.startsWith("application/json")) throw new Error("not an answer for the script");
        const answer = await response.json();
        delete form.dataset.busy;
        if (!response.ok) {
          announce(answer.error && answer.error.message);
          return;
        }
        form.querySelectorAll("button[name=level]").forEach((b) => {
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        announce(answer.message);
      })
      .catch(() => {
        delete form.dataset.busy;
        plainly(form, button);
      });
  });
})();
