/* Live Markdown preview in the verdict desk.
   Every textarea marked data-markdown-preview="<url>" gets a preview box under
   it; typing posts the text to that staff-only endpoint, which renders and
   sanitises it exactly as a save would. Without this script the form still
   works and its "Rendered preview" field shows the saved version. */
(function () {
  "use strict";

  const DELAY_MS = 350;
  const pending = new WeakMap();

  function csrfToken(textarea) {
    const field = textarea.form && textarea.form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function previewBox(textarea) {
    const id = textarea.id + "-live-preview";
    let box = document.getElementById(id);
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.className = "markdown-live-preview";
      box.setAttribute("aria-live", "polite");
      const label = document.createElement("p");
      label.className = "markdown-live-preview__label";
      label.textContent = "Live preview";
      const body = document.createElement("div");
      body.className = "markdown-live-preview__body markdown-preview";
      box.append(label, body);
      textarea.insertAdjacentElement("afterend", box);
    }
    return box;
  }

  async function refresh(textarea) {
    const box = previewBox(textarea);
    const body = box.querySelector(".markdown-live-preview__body");
    box.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(textarea.dataset.markdownPreview, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea) },
        body: new URLSearchParams({ text: textarea.value }),
      });
      const payload = await response.json();
      if (!response.ok) {
        body.textContent = payload.error || "Preview unavailable.";
      } else if (payload.html) {
        // Sanitised by the server with nh3, the same HTML readers will get.
        body.innerHTML = payload.html;
      } else {
        body.textContent = "Nothing to preview yet.";
      }
    } catch (error) {
      body.textContent = "Preview unavailable: " + error.message;
    } finally {
      box.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("input", function (event) {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.dataset.markdownPreview) {
      return;
    }
    clearTimeout(pending.get(textarea));
    pending.set(textarea, setTimeout(function () { refresh(textarea); }, DELAY_MS));
  });
})();
