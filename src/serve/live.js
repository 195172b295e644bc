// cited serve: live preview for editors. Served only by `cited serve`
// (never written to public/). It listens on the reload channel, reloads the
// page after every good build, and shows the current problems (file, line,
// column, message, help) in an overlay that goes away once they are fixed.
// On a source's page it also loads the quote picker (picker.js).
//
// The pages' Content-Security-Policy allows no inline script or style, so
// this script builds the overlay with DOM calls (textContent only: messages
// quote the editor's own text, which must never become markup) and styles it
// with /__cited/live.css, inside a shadow root so the site's styles and the
// overlay's cannot affect each other.
(() => {
  "use strict";

  const EVENTS_URL = "/__cited/events";
  const STYLE_URL = "/__cited/live.css";
  const DISMISSED_KEY = "cited-preview-dismissed";

  // The build this page came from, as the server named it when we first
  // connected. After a reconnect (a restart, a sleeping laptop) a different
  // name means the page may be stale.
  let seenBuild = null;
  let overlay = null;

  const events = new EventSource(EVENTS_URL);
  events.addEventListener("hello", (event) => {
    if (seenBuild !== null && event.data !== seenBuild) {
      location.reload();
    }
    seenBuild = event.data;
  });
  events.addEventListener("reload", (event) => {
    seenBuild = event.data;
    location.reload();
  });
  events.addEventListener("diagnostics", (event) => {
    let problems;
    try {
      problems = JSON.parse(event.data);
    } catch {
      return;
    }
    showProblems(Array.isArray(problems) ? problems : []);
  });

  // A short fingerprint of a set of problems, so a dismissed overlay stays
  // dismissed across reloads until the problems change.
  function fingerprint(text) {
    let hash = 5381;
    for (let i = 0; i < text.length; i += 1) {
      hash = ((hash * 33) ^ text.charCodeAt(i)) >>> 0;
    }
    return `${text.length}-${hash.toString(36)}`;
  }

  function remembered(key) {
    try {
      return sessionStorage.getItem(DISMISSED_KEY) === key;
    } catch {
      return false; // Storage may be disabled; then nothing is remembered.
    }
  }

  function remember(key) {
    try {
      sessionStorage.setItem(DISMISSED_KEY, key);
    } catch {
      // As above: forgetting a dismissal only means seeing the overlay again.
    }
  }

  function showProblems(problems) {
    if (problems.length === 0) {
      removeOverlay();
      return;
    }
    const key = fingerprint(JSON.stringify(problems));
    if (remembered(key)) {
      removeOverlay();
      return;
    }
    const isNew = overlay === null || overlay.key !== key;
    removeOverlay();
    // Take focus only for problems this page has not shown yet, and only
    // from nobody: never from a field the reader is typing in.
    const takeFocus = isNew && nothingFocused();
    overlay = buildOverlay(problems, key, takeFocus);
    document.body.append(overlay.host);
  }

  function nothingFocused() {
    return !document.activeElement || document.activeElement === document.body;
  }

  // Escape dismisses the overlay from inside it, or when nothing else on
  // the page has focus (so it never steals Escape from the site's own UI).
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || overlay === null) return;
    if (nothingFocused() || document.activeElement === overlay.host) {
      event.preventDefault();
      dismiss();
    }
  });

  function removeOverlay() {
    if (overlay !== null) {
      overlay.host.remove();
      overlay = null;
    }
  }

  function dismiss() {
    if (overlay !== null) {
      remember(overlay.key);
      removeOverlay();
    }
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function plural(count, word) {
    return `${count} ${word}${count === 1 ? "" : "s"}`;
  }

  function buildOverlay(problems, key, takeFocus) {
    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    // Warnings alone do not stop the site from building: start folded.
    const collapsed = errors === 0;

    const host = element("div");
    host.id = "cited-preview-overlay";
    const root = host.attachShadow({ mode: "open" });

    const panel = element("section", `panel ${errors > 0 ? "has-errors" : "has-warnings"}`);
    panel.setAttribute("role", "alertdialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-labelledby", "cited-title");
    panel.setAttribute("aria-describedby", "cited-summary");
    panel.tabIndex = -1;
    // Show nothing until the stylesheet is in, rather than a flash of
    // unstyled text at the bottom of the page.
    panel.hidden = true;
    const reveal = () => {
      panel.hidden = false;
      // Only a visible element can take focus.
      if (takeFocus && !collapsed) panel.focus({ preventScroll: true });
    };

    const style = element("link");
    style.rel = "stylesheet";
    style.href = STYLE_URL;
    style.addEventListener("load", reveal);
    style.addEventListener("error", reveal);

    const header = element("header", "bar");
    const parts = [];
    if (errors > 0) parts.push(plural(errors, "error"));
    if (warnings > 0) parts.push(plural(warnings, "warning"));
    const title = element("h2", "title", `cited: ${parts.join(", ")}`);
    title.id = "cited-title";

    const list = element("ol", "problems");
    list.id = "cited-problems";
    list.hidden = collapsed;

    const toggle = element("button", "toggle", collapsed ? "Show" : "Hide");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", String(!collapsed));
    toggle.setAttribute("aria-controls", "cited-problems");
    toggle.addEventListener("click", () => {
      list.hidden = !list.hidden;
      toggle.textContent = list.hidden ? "Show" : "Hide";
      toggle.setAttribute("aria-expanded", String(!list.hidden));
    });

    const close = element("button", "close", "Dismiss");
    close.type = "button";
    close.setAttribute("aria-keyshortcuts", "Escape");
    close.title = "Dismiss until the problems change (Esc)";
    close.addEventListener("click", dismiss);

    header.append(title, toggle, close);

    const summary = element(
      "p",
      "summary",
      errors > 0
        ? "The preview shows the last version that built. Fix these and this page updates by itself."
        : "The site builds. These warnings are worth a look.",
    );
    summary.id = "cited-summary";

    for (const problem of problems) {
      list.append(problemItem(problem));
    }

    panel.append(header, summary, list);
    root.append(style, panel);
    return { host, key };
  }

  function problemItem(problem) {
    const item = element("li", `problem ${problem.severity === "error" ? "error" : "warning"}`);
    const where = element("p", "where");
    where.append(
      element("span", "severity", problem.severity === "error" ? "Error" : "Warning"),
      " ",
      element("code", "location", positionOf(problem)),
    );
    if (problem.code) {
      where.append(" ", element("span", "code", `[${problem.code}]`));
    }
    item.append(where, element("p", "message", problem.message || ""));
    if (problem.help) {
      const help = element("p", "help");
      help.append(element("span", "help-label", "Help: "), problem.help);
      item.append(help);
    }
    return item;
  }

  // On a source's page, the preview build leaves a hook for the quote
  // picker, which lives in a script of its own.
  if (document.querySelector("[data-cited-source]")) {
    const picker = element("script");
    picker.src = "/__cited/picker.js";
    document.head.append(picker);
  }

  // file:line:column, as terminals and editors print it.
  function positionOf(problem) {
    let text = problem.file || "";
    if (problem.line) {
      text += `:${problem.line}`;
      if (problem.column) text += `:${problem.column}`;
    }
    return text;
  }
})();
