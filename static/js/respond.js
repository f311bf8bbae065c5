// The respondent's sheets: warn before leaving a page whose answers are not saved yet, and keep those answers
// in this browser tab (sessionStorage) until the server has them, so a closed tab or a lost connection costs
// nothing. Without JavaScript the pages work the same, without the warning.
const form = document.querySelector("form[data-phc-unsaved]");
const PREFIX = "phc-unsaved:";
const key = PREFIX + window.location.pathname;

function read(name) {
  try {
    return JSON.parse(window.sessionStorage.getItem(name) || "null");
  } catch {
    return null;
  }
}

function write(name, value) {
  try {
    window.sessionStorage.setItem(name, JSON.stringify(value));
  } catch {
    // Storage may be full or switched off: the warning before leaving still works.
  }
}

// A page after a successful save: answers kept for another page were saved, so they are dropped. The same page
// shown again with an error summary means the save was refused: its answers are kept.
const refused = document.querySelector(".govuk-error-summary") !== null;
for (let index = window.sessionStorage.length - 1; index >= 0; index -= 1) {
  const name = window.sessionStorage.key(index);
  if (!name || !name.startsWith(PREFIX)) continue;
  const entry = read(name);
  if (entry && entry.sent && !(name === key && refused)) window.sessionStorage.removeItem(name);
  else if (entry && entry.sent) write(name, { values: entry.values, sent: false });
}

function currentValues() {
  const values = {};
  for (const element of form.elements) {
    if (!element.name || element.name === "csrfmiddlewaretoken" || element.type === "submit") continue;
    if (element.type === "radio") {
      if (element.checked) values[element.name] = element.value;
    } else if (element.tagName === "TEXTAREA" || element.type === "text") {
      values[element.name] = element.value;
    }
  }
  return values;
}

if (form) {
  const saved = currentValues();
  let dirty = false;

  const changed = () => {
    const now = currentValues();
    dirty = Object.keys({ ...saved, ...now }).some((name) => (saved[name] || "") !== (now[name] || ""));
    if (dirty) write(key, { values: now, sent: false });
    else window.sessionStorage.removeItem(key);
  };

  // Put back what was typed here and not saved (for example before the tab was closed).
  const kept = read(key);
  if (kept && kept.values) {
    let restored = 0;
    for (const [name, value] of Object.entries(kept.values)) {
      const fields = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
      for (const field of fields) {
        if (field.type === "radio") {
          if (field.value === value && !field.checked) {
            field.checked = true;
            restored += 1;
          }
        } else if (field.value !== value) {
          field.value = value;
          field.dispatchEvent(new Event("input", { bubbles: true }));
          restored += 1;
        }
      }
    }
    if (restored) {
      const note = document.createElement("div");
      note.className = "govuk-inset-text";
      note.setAttribute("role", "status");
      note.textContent = "Answers you gave on this page before it was closed are back in place. They are not saved yet: press a button to save them.";
      form.prepend(note);
    }
    changed();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => {
    if (dirty) write(key, { values: currentValues(), sent: true });
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
}
