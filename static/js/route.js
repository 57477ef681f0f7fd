// The route page with no signal (templates/deliveries/boy/route.html; the contract is in
// deliveries/views/boy.py and the sync view). Without JavaScript the one form posts each
// tap to the server; with it, each tap is kept on the phone (IndexedDB, in order, with its
// own key), shown on the stop as waiting, and sent to `data-sync` when there is a
// connection. The server applies each key once, so sending a tap twice is harmless.
(function () {
  "use strict";

  const form = document.getElementById("route");
  const user = form && (form.dataset.user || document.body.dataset.user || "me");
  const WAITING = (form && form.dataset.textWaiting) || "Waiting to send";
  const SENT = new Set(["done", "replayed", "refused", "conflict"]); // off the queue
  const DONE_KINDS = new Set(["delivered", "partial", "not_delivered"]);
  const RETRY_MS = 30000;

  // --- The service worker: caches the pages and static files for a round with no signal.
  // `windows`: the route's other windows too (the service worker follows each page's
  // links to them), so each opens with no signal; after a sync only this page changed.
  function warm(windows) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then((registration) => {
      registration.active.postMessage({
        type: "warm", user: user, urls: [location.href], windows: windows === true,
      });
    });
  }
  if ("serviceWorker" in navigator && form) {
    navigator.serviceWorker.register("/d/sw.js", { scope: "/d/" })
      .then(() => warm(true), () => {});
  }
  // Logging out: this user's pages leave the phone with him.
  document.querySelectorAll('form[action$="/logout/"]').forEach((logout) => {
    logout.addEventListener("submit", (event) => {
      if (!window.caches) return;
      event.preventDefault();
      caches.keys()
        .then((names) => Promise.all(names
          .filter((name) => name.startsWith("earlybird-pages-"))
          .map((name) => caches.delete(name))))
        .finally(() => logout.submit());
    });
  });
  if (!form || !window.indexedDB) return;

  // --- The queue: one IndexedDB store, in the order of the taps.
  function store(mode, work) {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open("earlybird-route", 1);
      opening.onupgradeneeded = () => {
        opening.result.createObjectStore("actions", { keyPath: "seq", autoIncrement: true });
      };
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const tx = opening.result.transaction("actions", mode);
        const request = work(tx.objectStore("actions"));
        tx.oncomplete = () => resolve(request && request.result);
        tx.onerror = () => reject(tx.error);
      };
    });
  }
  const enqueue = (record) => store("readwrite", (s) => s.add(record));
  const dequeue = (seq) => store("readwrite", (s) => s.delete(seq));
  // This user's taps for this page's day and shift (another day's wait on the phone).
  const queued = () => store("readonly", (s) => s.getAll()).then((records) =>
    records.filter((r) => r.user === user && r.action.day === form.dataset.day &&
      r.action.shift === form.dataset.shift));

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // --- Reading a tap from the stop's fields.
  const stopOf = (customer) => document.getElementById("stop-" + customer);
  function fields(li, prefix, parse) {
    const values = {};
    li.querySelectorAll(`[name^="${prefix}"]`).forEach((input) => {
      if (input.value !== "") values[input.name.slice(prefix.length)] = parse(input.value);
    });
    return values;
  }
  function actionFor(kind, li) {
    const customer = li.dataset.customer;
    const action = {
      key: newKey(), kind: kind, day: form.dataset.day, shift: form.dataset.shift,
      customer: Number(customer), seen: li.dataset.seen || "",
    };
    if (kind === "partial") action.quantities = fields(li, "qty_", String);
    if (kind === "bottles") action.bottles = fields(li, "bottles_", Number);
    if (kind === "not_delivered") {
      const reason = form.elements["reason_" + customer];
      action.reason = reason ? reason.value : "";
    }
    if (kind === "cash") {
      const cash = form.elements["cash_" + customer];
      action.amount = cash ? cash.value.trim() : "";
    }
    return action;
  }
  // A reason or an amount the server would refuse anyway: ask now, in the browser's words.
  function missing(action) {
    const name = { not_delivered: "reason_", cash: "cash_" }[action.kind];
    const input = name && form.elements[name + action.customer];
    if (!input || input.value.trim() !== "") return false;
    input.required = true;
    input.reportValidity();
    input.required = false;
    return true;
  }

  // --- Showing the queue on the page.
  function status(li) {
    return li.querySelector(".stop-status");
  }
  function show(records) {
    const byStop = new Map();
    records.forEach((r) => {
      const list = byStop.get(String(r.action.customer)) || [];
      byStop.set(String(r.action.customer), list.concat(r));
    });
    document.querySelectorAll(".stop.waiting").forEach((li) => {
      if (byStop.has(li.dataset.customer)) return;
      li.classList.remove("waiting");
      if (status(li) && !li.classList.contains("noted")) status(li).textContent = "";
    });
    byStop.forEach((list, customer) => {
      const li = stopOf(customer);
      if (!li) return;
      list.forEach((r) => {
        if (DONE_KINDS.has(r.action.kind)) li.classList.add("done");
        if (r.action.kind === "undo") li.classList.remove("done");
      });
      li.classList.add("waiting");
      li.classList.remove("noted", "conflict", "refused");
      if (status(li)) {
        status(li).textContent = list.map((r) => r.label).join(" → ") + " · " + WAITING;
      }
    });
    banner(records.length);
    progress();
  }
  // "n of m done": a tap no longer reloads the page, so count the stops shown done, plus
  // those of the route's other windows (data-text: the line translated, with {done}
  // {total} {left} to fill in).
  function progress() {
    const line = document.querySelector(".progress[data-text]");
    if (!line) return;
    const stops = Array.from(form.querySelectorAll(".stop")).filter((li) =>
      li.querySelector(".if-open"));
    const done = stops.filter((li) => li.classList.contains("done")).length +
      Number(line.dataset.doneElsewhere || 0);
    const total = stops.length + Number(line.dataset.totalElsewhere || 0);
    line.innerHTML = line.dataset.text.replace("{done}", done)
      .replace("{total}", total).replace("{left}", total - done);
  }
  function banner(count) {
    let bar = document.getElementById("sync-banner");
    if (!bar) {
      bar = document.createElement("p");
      bar.id = "sync-banner";
      bar.className = "sync-banner";
      bar.setAttribute("role", "status");
      form.prepend(bar);
    }
    bar.hidden = count === 0;
    bar.textContent = count ? `${WAITING}: ${count}` : "";
  }

  // A conflict or refusal stays on its stop, across reloads, until the stop changes again.
  const noteKey = (customer) =>
    ["earlybird-note", user, form.dataset.day, form.dataset.shift, customer].join("|");
  function note(li, text, kind) {
    li.classList.add("noted", kind);
    if (status(li)) status(li).textContent = text;
  }
  function showNotes() {
    document.querySelectorAll(".stop").forEach((li) => {
      const saved = JSON.parse(localStorage.getItem(noteKey(li.dataset.customer)) || "null");
      if (saved && saved.seen === li.dataset.seen) note(li, saved.text, saved.kind);
      else if (saved) localStorage.removeItem(noteKey(li.dataset.customer));
    });
  }

  // --- Sending the queue, in order.
  function csrfToken() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) return cookie.slice("csrftoken=".length);
    return form.elements.csrfmiddlewaretoken.value;
  }
  function apply(result) {
    let li = stopOf(result.customer);
    if (result.stop_html && li) {
      const fresh = document.createElement("template");
      fresh.innerHTML = result.stop_html.trim();
      li.replaceWith(fresh.content.firstElementChild);
      li = stopOf(result.customer);
    }
    if (!li) return;
    if (result.seen) li.dataset.seen = result.seen;
    if (result.result === "conflict" || result.result === "refused") {
      note(li, result.message, result.result);
      localStorage.setItem(noteKey(result.customer), JSON.stringify(
        { seen: li.dataset.seen, text: result.message, kind: result.result }));
    }
  }
  let sending = null;
  function sync() {
    sending = sending || send().finally(() => { sending = null; });
    return sending;
  }
  async function send() {
    const records = await queued();
    if (!records.length) return;
    let response;
    try {
      response = await fetch(form.dataset.sync, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ actions: records.map((r) => r.action) }),
      });
    } catch (offline) {
      return; // no connection: the next try sends them
    }
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.includes("json")) return; // signed out or a server error
    const answer = await response.json();
    for (const result of answer.results || []) {
      const record = records.find((r) => r.action.key === result.key);
      if (!record || !SENT.has(result.result)) continue;
      await dequeue(record.seq);
      apply(Object.assign({ customer: record.action.customer }, result));
    }
    show(await queued());
    warm(); // the cached copy of the page shows what the server now holds
  }

  // --- Taps.
  form.addEventListener("keydown", (event) => {
    // Enter in a quantity would press the form's first button: some other stop's.
    if (event.key === "Enter" && event.target.tagName === "INPUT") event.preventDefault();
  });
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!button || button.name !== "act") return;
    const [kind, customer] = button.value.split(":");
    const li = stopOf(customer);
    if (!li) return;
    event.preventDefault();
    const action = actionFor(kind, li);
    if (missing(action)) return;
    localStorage.removeItem(noteKey(customer));
    if (kind === "cash") form.elements["cash_" + customer].value = ""; // not twice by mistake
    enqueue({ user: user, label: button.textContent.trim(), action: action })
      .then(queued).then(show).then(sync);
  });

  showNotes();
  queued().then(show).then(sync);
  window.addEventListener("online", sync);
  setInterval(sync, RETRY_MS);
})();
