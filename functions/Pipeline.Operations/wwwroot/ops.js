"use strict";
(() => {
  const KEY = "opsAdminKey";
  const FUNCTION_KEY = "opsFunctionKey";
  const base = location.pathname.replace(/\/?$/, "/");
  const $ = (id) => document.getElementById(id);
  const statusLine = $("status");
  const series = [
    { name: "delivered", label: "delivered", color: "#1a7f37", of: (h) => h.delivered },
    { name: "failed", label: "failed", color: "#cf222e", of: (h) => h.failed },
    { name: "skipped", label: "skipped", color: "#8c959f", of: (h) => h.skipped },
    { name: "retrying", label: "retrying or in flight", color: "#bf8700", of: (h) => h.retrying + h.in_flight + h.replaying },
  ];
  let timer = null;
  const watching = new Map();

  class Unauthorized extends Error {
    constructor(byApp) { super(byApp ? "admin key refused" : "function key refused"); this.byApp = byApp; }
  }

  function say(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("error", !!isError);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }

  async function api(path, options) {
    const key = sessionStorage.getItem(KEY);
    const init = Object.assign({ headers: {} }, options || {});
    init.headers["X-Api-Key"] = key || "";
    const functionKey = sessionStorage.getItem(FUNCTION_KEY);
    if (functionKey) init.headers["x-functions-key"] = functionKey;
    if (init.body) init.headers["Content-Type"] = "application/json";
    const response = await fetch(base + path, init);
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = { message: text }; }
    // The app's own refusal says {"error":"unauthorized"}; the host's function-key check answers before the app runs.
    if (response.status === 401) throw new Unauthorized(body?.error === "unauthorized");
    return { status: response.status, ok: response.ok, body };
  }

  function time(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function badge(status) { return el("span", { class: "badge " + status }, status.replace("_", " ")); }

  function busy(section) {
    const active = document.activeElement;
    return active && section.contains(active) && active.tagName === "BUTTON";
  }

  // ---- summary chart ------------------------------------------------------------------------------
  function renderSummary(data) {
    const target = $("summary");
    target.replaceChildren();
    if (!data.destinations.length) { target.append(el("p", { class: "muted" }, "No destinations are registered.")); return; }
    for (const d of data.destinations) {
      const t = d.totals;
      const totals = series.map((s) => `${s.of(t)} ${s.label}`).join(", ");
      const max = Math.max(1, ...d.hours.map((h) => series.reduce((sum, s) => sum + s.of(h), 0)));
      const width = 480, height = 120, gap = 2, barW = width / d.hours.length - gap;
      const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height + 16}`, role: "img",
        "aria-label": `${d.destination}, last 24 hours: ${totals}` });
      d.hours.forEach((h, i) => {
        let y = height;
        const x = i * (barW + gap);
        const title = svg("title");
        title.textContent = `${time(h.hour)}: ` + series.map((s) => `${s.of(h)} ${s.label}`).join(", ");
        const group = svg("g", {}, title);
        for (const s of series) {
          const v = s.of(h);
          if (!v) continue;
          const barH = Math.max(1, (v / max) * (height - 4));
          y -= barH;
          group.append(svg("rect", { x: x.toFixed(1), y: y.toFixed(1), width: barW.toFixed(1), height: barH.toFixed(1), fill: s.color }));
        }
        group.append(svg("rect", { x: x.toFixed(1), y: 0, width: barW.toFixed(1), height: height, fill: "transparent" }));
        chart.append(group);
        if (i % 6 === 0) {
          const label = svg("text", { x: x.toFixed(1), y: height + 13, "font-size": 10, fill: "#57606a" });
          label.textContent = new Date(h.hour).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
          chart.append(label);
        }
      });
      chart.append(svg("line", { x1: 0, x2: width, y1: height, y2: height, stroke: "#d0d7de" }));
      const legend = el("ul", { class: "legend" },
        series.map((s) => el("li", {}, el("span", { class: `swatch ${s.name}` }), `${s.label}: `, el("strong", {}, String(s.of(t))))));
      target.append(el("h3", {}, d.destination), chart, legend);
      if (d.truncated) target.append(el("p", { class: "muted" }, "Counted from the first 50,000 deliveries only."));
    }
  }

  // ---- backlog ------------------------------------------------------------------------------------
  function renderBacklog(data) {
    const target = $("backlog");
    const rows = data.backlog || [];
    if (!rows.length) { target.replaceChildren(el("p", { class: "muted" }, data.backlog_sampled_at ? "No queues are read by any function." : "Not sampled yet.")); return; }
    const count = (n) => (n === null || n === undefined ? "unknown" : String(n));
    const head = el("thead", {}, el("tr", {}, ["Queue or subscription", "Waiting", "Scheduled", "Dead-lettered", "Trend"].map((h) => el("th", { scope: "col" }, h))));
    const body = el("tbody");
    for (const b of rows) {
      body.append(el("tr", { "data-entity": b.entity },
        el("td", { "data-label": "Queue" }, b.entity),
        el("td", { "data-label": "Waiting", class: "num" }, count(b.active)),
        el("td", { "data-label": "Scheduled", class: "num" }, count(b.scheduled)),
        el("td", { "data-label": "Dead-lettered", class: "num" }, count(b.dead_lettered)),
        el("td", { "data-label": "Trend" }, b.error ? el("span", { class: "muted" }, b.error) : badge(b.growing ? "growing" : "steady"))));
    }
    const notes = [...new Set(rows.map((b) => b.note).filter((n) => n))];
    target.replaceChildren(el("table", { class: "cards", "aria-describedby": "h-backlog" }, head, body),
      el("p", { class: "muted" }, [`Sampled ${time(data.backlog_sampled_at)}.`, ...notes.map((n) => ` Note: ${n}.`)].join("")));
  }

  // ---- failures -----------------------------------------------------------------------------------
  async function loadFailures() {
    const section = $("failures");
    if (busy(section)) return;
    const destination = $("f-destination").value;
    const status = $("f-status").value;
    if (!destination) { section.replaceChildren(el("p", { class: "muted" }, "No destinations are registered.")); return; }
    let rows = [], continuation = null, pages = 0;
    do {
      const query = new URLSearchParams({ destination, status, limit: "200" });
      if (continuation) query.set("continuation", continuation);
      const r = await api("deliveries?" + query);
      if (!r.ok) { section.replaceChildren(el("p", { class: "muted" }, r.body?.message || `Could not list deliveries (${r.status}).`)); return; }
      rows = rows.concat(r.body.deliveries);
      continuation = r.body.continuation;
    } while (continuation && ++pages < 10);
    rows = rows.reverse().slice(0, 50);
    for (const id of watching.keys()) {
      if (!rows.some((r) => r.event_id === id)) rows.unshift(watching.get(id));
    }
    if (!rows.length) { section.replaceChildren(el("p", { class: "muted" }, `No ${status} deliveries to ${destination} in the last 24 hours.`)); return; }
    const head = el("thead", {}, el("tr", {}, ["Event time", "Event", "Subject", "Status", "HTTP", "Reason", "Attempts", "Action"].map((h) => el("th", { scope: "col" }, h))));
    const body = el("tbody");
    for (const row of rows) body.append(failureRow(row, destination));
    section.replaceChildren(el("table", { class: "cards", "aria-describedby": "h-failures" }, head, body));
  }

  function failureRow(row, destination) {
    const statusCell = el("td", { "data-label": "Status", class: "status" }, badge(row.status));
    const button = el("button", { type: "button", "aria-label": `Replay ${row.event_type || "event"} ${row.event_id} to ${destination}`,
      onclick: () => replayOne(row, destination, button, statusCell) }, "Replay");
    if (watching.has(row.event_id)) { button.disabled = true; }
    return el("tr", { "data-event-id": row.event_id },
      el("td", { "data-label": "Event time" }, el("time", { datetime: row.event_time }, time(row.event_time))),
      el("td", { "data-label": "Event" }, row.event_type || ""),
      el("td", { "data-label": "Subject" }, row.subject || ""),
      statusCell,
      el("td", { "data-label": "HTTP" }, row.http_status ?? ""),
      el("td", { "data-label": "Reason", class: "error" }, row.error || ""),
      el("td", { "data-label": "Attempts" }, String(row.attempts)),
      el("td", { "data-label": "Action" }, button));
  }

  async function replayOne(row, destination, button, statusCell) {
    button.disabled = true;
    say(`Replaying ${row.event_id} to ${destination}…`);
    const r = await guarded(() => api("replay", { method: "POST", body: JSON.stringify({ destination, event_ids: [row.event_id] }) }));
    if (!r) { button.disabled = false; return; }
    if (!r.ok || r.body.queued < 1) {
      const reason = r.body?.refusals?.[0]?.reason || r.body?.message || `status ${r.status}`;
      say(`Not replayed: ${reason}`, true);
      button.disabled = false;
      return;
    }
    watching.set(row.event_id, Object.assign({}, row, { status: "replaying" }));
    statusCell.replaceChildren(badge("replaying"));
    say(`Replay queued for ${row.event_id}; waiting for ${destination}…`);
    for (let i = 0; i < 60; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const e = await guarded(() => api("events/" + encodeURIComponent(row.event_id)));
      const delivery = e?.body?.deliveries?.find((d) => d.destination === destination);
      if (!delivery) continue;
      watching.set(row.event_id, Object.assign({}, row, { status: delivery.status, attempts: delivery.attempts, http_status: delivery.http_status, error: delivery.error }));
      const cell = document.querySelector(`tr[data-event-id="${CSS.escape(row.event_id)}"] td.status`) || statusCell;
      cell.replaceChildren(badge(delivery.status));
      if (["delivered", "failed", "skipped"].includes(delivery.status)) {
        say(`${row.event_id}: ${delivery.status} to ${destination} after ${delivery.attempts} attempts` +
          (delivery.error && delivery.status !== "delivered" ? ` (${delivery.error})` : "."), delivery.status === "failed");
        setTimeout(() => watching.delete(row.event_id), 60000);
        return;
      }
    }
    say(`${row.event_id} is still on its way to ${destination}; refresh later.`);
  }

  async function replayAll() {
    const destination = $("f-destination").value;
    const status = $("f-status").value;
    if (status === "replaying") { say("Deliveries being replayed already are not replayed again.", true); return; }
    const preview = await guarded(() => api("replay", { method: "POST", body: JSON.stringify({ destination, status, dry_run: true }) }));
    if (!preview) return;
    if (!preview.ok) { say(preview.body?.message || `Dry run refused (${preview.status}).`, true); return; }
    if (!preview.body.would_queue) { say(`Nothing to replay: ${preview.body.count} ${status} deliveries, ${preview.body.would_refuse} refused.`); return; }
    if (!confirm(`Replay ${preview.body.would_queue} ${status} deliveries of the last 24 hours to ${destination}?`)) return;
    const r = await guarded(() => api("replay", { method: "POST", body: JSON.stringify({ destination, status }) }));
    if (!r) return;
    say(r.ok ? `Replay ${r.body.replay_id}: ${r.body.queued} queued so far, ${r.body.refused} refused (${r.body.status}).`
      : (r.body?.message || `Replay refused (${r.status}).`), !r.ok);
    refresh();
  }

  // ---- dead letters -------------------------------------------------------------------------------
  async function loadDeadLetters() {
    const target = $("dead-letters");
    if (busy(target)) return;
    const r = await api("dead-letters");
    if (!r.ok) { target.replaceChildren(el("p", { class: "muted" }, r.body?.message || `Could not list dead letters (${r.status}).`)); return; }
    if (!r.body.supported) { target.replaceChildren(el("p", { class: "muted" }, r.body.message)); return; }
    target.replaceChildren();
    for (const q of r.body.queues) {
      const requeueAll = el("button", { type: "button", class: "secondary", disabled: !q.count && !q.messages.length,
        "aria-label": `Requeue every dead letter of ${q.queue}`, onclick: () => requeue(q.queue, null) }, "Requeue all");
      target.append(el("h3", {}, q.error ? `${q.queue}: ${q.error}` : `${q.queue}: ${q.count ?? "?"} dead-lettered`));
      if (q.count || q.messages.length) target.append(requeueAll);
      if (!q.messages.length) continue;
      const list = el("ul", {});
      for (const m of q.messages) {
        list.append(el("li", {},
          el("strong", {}, m.event_type || m.function || "message"), " ", m.event_id ? el("code", {}, m.event_id) : null,
          el("div", { class: "muted" }, `${time(m.dead_lettered_at || m.enqueued_at)} after ${m.delivery_count ?? "?"} deliveries: ` +
            [m.reason, m.error_description].filter((x) => x).join(": ")),
          el("button", { type: "button", class: "secondary", "aria-label": `Requeue message ${m.message_id} to ${q.queue}`,
            onclick: () => requeue(q.queue, [m.message_id]) }, "Requeue")));
      }
      target.append(list);
    }
  }

  async function requeue(queue, ids) {
    const r = await guarded(() => api("dead-letters/requeue", { method: "POST", body: JSON.stringify(ids ? { queue, message_ids: ids } : { queue }) }));
    if (!r) return;
    const failed = r.ok ? (r.body.failed || []) : [];
    say(r.ok ? `Requeued ${r.body.requeued} message(s) to ${queue}.` + (failed.length ? ` Not requeued: ${failed.map((f) => f.error).join("; ")}` : "")
      : (r.body?.message || `Requeue refused (${r.status}).`), !r.ok || failed.length > 0);
    await guarded(loadDeadLetters);
  }

  // ---- sweep and jobs -----------------------------------------------------------------------------
  async function loadSweep() {
    const r = await api("sweep");
    const target = $("sweep");
    if (!r.ok) { target.replaceChildren(el("p", { class: "muted" }, `Could not read the sweep (${r.status}).`)); return; }
    const s = r.body;
    if (s.status === "never_run") { target.replaceChildren(el("p", { class: "muted" }, "No statistics sweep has run yet.")); return; }
    const facts = [["Status", s.status], ["Pages done", `${s.pages} (of ${s.page_size} sites each)`], ["Syncs enqueued", s.enqueued],
      ["Forced", s.force ? "yes" : "no"], ["Started", time(s.started_at)], ["Last progress", time(s.updated_at)], ["Sweep id", s.sweep_id]];
    target.replaceChildren(el("dl", { class: "facts" }, facts.map(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))])));
  }

  async function loadJobs() {
    const target = $("jobs");
    const r = await api("metrics-jobs?limit=50");
    if (r.status === 404) { target.replaceChildren(el("p", { class: "muted" }, "This deployment has no Reportei jobs.")); return; }
    if (!r.ok || !Array.isArray(r.body?.jobs)) { target.replaceChildren(el("p", { class: "muted" }, `Could not list Reportei jobs (${r.status}).`)); return; }
    if (!r.body.jobs.length) { target.replaceChildren(el("p", { class: "muted" }, "No Reportei jobs yet.")); return; }
    const head = el("thead", {}, el("tr", {}, ["Job", "Status", "Created", "Attempts"].map((h) => el("th", { scope: "col" }, h))));
    const body = el("tbody");
    for (const job of r.body.jobs) {
      const attempts = (job.attempts || []).map((a) => typeof a === "object"
        ? [a.status, a.http_status, a.error, a.at || a.finished_at || a.started_at].filter((x) => x !== undefined && x !== null && x !== "").join(" · ")
        : String(a));
      body.append(el("tr", {},
        el("td", { "data-label": "Job" }, el("code", {}, job.job_id)),
        el("td", { "data-label": "Status" }, job.status || ""),
        el("td", { "data-label": "Created" }, time(job.created_at)),
        el("td", { "data-label": "Attempts" }, attempts.length ? el("ol", {}, attempts.map((a) => el("li", {}, a))) : "none")));
    }
    target.replaceChildren(el("table", { class: "cards" }, head, body));
  }

  // ---- wiring -------------------------------------------------------------------------------------
  async function guarded(work) {
    try {
      return await work();
    } catch (e) {
      if (e instanceof Unauthorized) {
        if (e.byApp) signOut("The admin key was refused; enter it again.", "key");
        else signOut("The function key was refused or is missing: this host requires one (x-functions-key); enter both keys.", "function-key");
        return null;
      }
      say(`Something went wrong: ${e.message}`, true);
      return null;
    }
  }

  async function refresh() {
    const summary = await guarded(() => api("summary?hours=24"));
    if (!summary) return;
    if (!summary.ok) { say(summary.body?.message || `The summary failed (${summary.status}).`, true); return; }
    const select = $("f-destination");
    const names = summary.body.destinations.map((d) => d.destination);
    if (select.options.length !== names.length) {
      const chosen = select.value;
      select.replaceChildren(...names.map((n) => el("option", { value: n }, n)));
      if (names.includes(chosen)) select.value = chosen;
    }
    renderSummary(summary.body);
    renderBacklog(summary.body);
    await Promise.all([loadFailures, loadDeadLetters, loadSweep, loadJobs].map((f) => guarded(f)));
    $("panels").setAttribute("aria-busy", "false");
  }

  function signIn() {
    $("key-form").hidden = true;
    $("signed-in").hidden = false;
    $("panels").hidden = false;
    say("Loading…");
    refresh().then(() => { if (statusLine.textContent === "Loading…") say(`Up to date at ${new Date().toLocaleTimeString()}.`); });
    schedule();
  }

  function signOut(message, field) {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(FUNCTION_KEY);
    clearInterval(timer);
    $("panels").hidden = true;
    $("signed-in").hidden = true;
    $("key-form").hidden = false;
    $("key").value = "";
    $("function-key").value = "";
    $(field || "key").focus();
    say(message, true);
  }

  function schedule() {
    clearInterval(timer);
    if ($("auto").checked) timer = setInterval(() => refresh(), 30000);
  }

  $("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("key").value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY, key);
    const functionKey = $("function-key").value.trim();
    if (functionKey) sessionStorage.setItem(FUNCTION_KEY, functionKey); else sessionStorage.removeItem(FUNCTION_KEY);
    signIn();
  });
  $("forget").addEventListener("click", () => signOut("Key forgotten."));
  $("refresh").addEventListener("click", () => { say("Refreshing…"); refresh().then(() => say(`Up to date at ${new Date().toLocaleTimeString()}.`)); });
  $("auto").addEventListener("change", schedule);
  $("f-destination").addEventListener("change", () => guarded(loadFailures));
  $("f-status").addEventListener("change", () => guarded(loadFailures));
  $("replay-all").addEventListener("click", () => guarded(replayAll));

  if (sessionStorage.getItem(KEY)) signIn(); else $("key").focus();
})();
