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

// A file chooser in the page's language: the browser's own button and "no file" text
// speak the browser's language, so a button of the page's opens the same chooser and
// the chosen file's name is shown beside it. Without this script the native control
// works as it is.
(() => {
  document.querySelectorAll("input[type=file][data-choose]").forEach((input) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "file-choose";
    button.id = `${input.id}-choose`;
    button.textContent = input.dataset.choose;
    const name = document.createElement("span");
    name.className = "file-name";
    name.id = `${input.id}-name`;
    name.textContent = input.dataset.none;
    const described = input.getAttribute("aria-describedby");
    button.setAttribute("aria-describedby", [name.id, described].filter(Boolean).join(" "));
    if (input.labels && input.labels[0]) {
      input.labels[0].id = input.labels[0].id || `${input.id}-label`;
      // Named "Upload" (the field) and what it does ("Choose a picture…").
      button.setAttribute("aria-labelledby", `${input.labels[0].id} ${button.id}`);
    }
    input.classList.add("file-native");
    input.tabIndex = -1;
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", () => {
      name.textContent = input.files && input.files.length ? input.files[0].name : input.dataset.none;
    });
    input.after(button, name);
  });
})();
