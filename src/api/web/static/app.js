// The rack page: reads GET /api/rack, then follows GET /api/rack/events (server-sent events,
// one `rack` event with the whole rack at once and on every change). Slots are updated in
// place, keyed by their path, so that an open panel or a hovered slot does not jump.
// Plain JavaScript, no framework, nothing loaded from elsewhere.
"use strict";

const STARTING = ["opening", "probing", "configuring", "draining", "recovering"];
const RETRY_MS = 3000;

let source = null;
let selected = null;
let detailSeq = 0;
// What each slot element last showed, so that unchanged slots are left alone.
const shown = new WeakMap();

const byId = (id) => document.getElementById(id);

// An element with attributes and children (text or elements); text is never parsed as HTML.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setConnection(state, text) {
  const box = byId("connection");
  box.dataset.connection = state;
  byId("connection-text").textContent = text || state;
}

function time(text) {
  if (!text) return "";
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return text;
  const pad = (n) => String(n).padStart(2, "0");
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (new Date().toDateString() === date.toDateString()) return clock;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock.slice(0, 5)}`;
}

function group(state) {
  return STARTING.includes(state) ? "starting" : state;
}

function bars(count) {
  const level = count === null || count === undefined ? -1 : count;
  const node = el("span", {
    class: "bars",
    "data-bars": level,
    title: level < 0 ? "signal unknown" : `signal ${level}/4`,
  });
  for (let i = 1; i <= 4; i++) node.append(el("i", { class: i <= level ? "on" : "" }));
  return node;
}

function shortAllocation(id) {
  if (!id) return null;
  return id.length > 16 ? "…" + id.slice(-10) : id;
}

function slotContent(slot) {
  const problem = ["degraded", "failed", "recovering"].includes(slot.state) && slot.detail;
  return [
    el("div", { class: "slot-head" },
      el("span", { class: "slot-no" }, String(slot.slot).padStart(2, "0")),
      el("span", { class: "slot-label", title: slot.port }, slot.label),
      el("span", { class: "badge" }, slot.state)),
    el("div", { class: "slot-number" }, slot.number || "no number"),
    el("div", { class: "slot-operator" },
      slot.iccid
        ? [slot.operator || "operator unknown", slot.country].filter(Boolean).join(" · ")
        : "no SIM"),
    el("div", { class: "slot-foot" },
      bars(slot.signal_bars),
      el("span", { class: "sms", title: "SMS received today" },
        el("b", {}, String(slot.sms_today)), " SMS today")),
    el("div", { class: "slot-alloc" + (slot.active_allocation ? " busy" : ""),
      title: slot.active_allocation || "" },
      slot.active_allocation ? "● " + shortAllocation(slot.active_allocation) : "idle"),
    problem ? el("div", { class: "slot-problem", title: slot.detail }, slot.detail) : null,
  ].filter(Boolean);
}

function render(rack) {
  byId("rack-id").textContent = rack.rack;
  document.title = `${rack.rack} · modempool rack`;
  const grid = byId("grid");
  const existing = new Map([...grid.children].map((node) => [node.dataset.slot, node]));
  const seen = new Set();
  rack.slots.forEach((slot, index) => {
    seen.add(slot.port);
    let node = existing.get(slot.port);
    const key = JSON.stringify(slot);
    if (!node) {
      node = el("button", { type: "button", class: "slot" });
      node.dataset.slot = slot.port;
      node.addEventListener("click", () => open(node.dataset.slot));
    }
    if (shown.get(node) !== key) {
      shown.set(node, key);
      node.dataset.state = slot.state;
      node.dataset.group = group(slot.state);
      node.dataset.label = slot.label;
      node.setAttribute("aria-label", `${slot.label}: ${slot.state}`);
      node.replaceChildren(...slotContent(slot));
    }
    node.classList.toggle("selected", slot.port === selected);
    if (grid.children[index] !== node) grid.insertBefore(node, grid.children[index] || null);
  });
  for (const [port, node] of existing) if (!seen.has(port)) node.remove();
  byId("empty").hidden = rack.slots.length > 0;

  const ready = rack.slots.filter((slot) => slot.state === "ready").length;
  const allocated = rack.slots.filter((slot) => slot.active_allocation).length;
  const sms = rack.slots.reduce((sum, slot) => sum + slot.sms_today, 0);
  byId("summary").replaceChildren(
    el("span", {}, el("b", {}, `${ready}/${rack.slots.length}`), " ready"),
    el("span", {}, el("b", {}, String(allocated)), " allocated"),
    el("span", {}, el("b", {}, String(sms)), " SMS today"),
    el("span", { class: "muted" }, "updated " + time(rack.generated_at)));
}

function field(name, label, value, mono) {
  return [
    el("dt", {}, label),
    el("dd", { "data-field": name, class: mono ? "mono" : "" }, value || "—"),
  ];
}

function renderDetail(detail) {
  const slot = detail.slot;
  const sim = detail.sim || {};
  const panel = byId("detail");
  panel.dataset.slot = slot.port;
  panel.dataset.state = slot.state;
  byId("detail-kicker").replaceChildren(
    `slot ${slot.slot} · `, el("span", { class: "badge" }, slot.state));
  byId("detail-title").textContent = slot.label;
  const signal = slot.signal_rssi === null || slot.signal_rssi === 99
    ? "unknown" : `${slot.signal_rssi} (${slot.signal_bars}/4)`;
  const identity = el("dl", { class: "facts" },
    field("port", "Port", slot.port, true),
    field("state", "State", slot.state + (slot.detail ? ` — ${slot.detail}` : "")),
    field("model", "Modem", [slot.manufacturer, slot.model].filter(Boolean).join(" ")),
    field("firmware", "Firmware", slot.firmware, true),
    field("imei", "IMEI", slot.imei, true),
    field("iccid", "ICCID", slot.iccid, true),
    field("imsi", "IMSI", sim.imsi, true),
    field("number", "Number", slot.number || sim.number, true),
    field("operator", "Operator", [slot.operator || sim.operator, slot.country || sim.country].filter(Boolean).join(" · ")),
    field("registration", "Registration", slot.registration),
    field("signal", "Signal", signal),
    field("sim", "SIM", sim.state ? `${sim.state}, health ${sim.health}` : ""),
    field("allocation", "Allocation", slot.active_allocation, true),
    field("sms", "SMS", `${slot.sms_today} today, ${slot.sms_received} since start`),
    field("recoveries", "Recoveries", String(slot.recoveries)));

  const events = detail.events.length
    ? el("ol", { class: "events" }, detail.events.map((event) =>
      el("li", { class: /fail|error|refused|gone|timeout/i.test(event.kind + event.detail) ? "bad" : "" },
        el("time", { datetime: event.at }, time(event.at)),
        el("span", { class: "kind" }, event.kind),
        el("span", { class: "text" }, event.detail))))
    : el("p", { class: "muted" }, "No events.");

  const messages = detail.messages.length
    ? el("ol", { class: "messages" }, detail.messages.map((message) =>
      el("li", {},
        el("div", { class: "message-head" },
          el("b", {}, message.sender || "unknown sender"),
          el("time", { datetime: message.received_at }, time(message.received_at))),
        el("div", { class: "message-text" }, message.text ?? "(undecodable)"),
        message.allocation_id
          ? el("div", { class: "message-alloc mono" }, message.allocation_id)
          : el("div", { class: "message-alloc muted" }, "no allocation"))))
    : el("p", { class: "muted" }, "No messages.");

  byId("detail-body").replaceChildren(
    el("section", {}, el("h3", {}, "Identity"), identity),
    el("section", {}, el("h3", {}, "Last errors and events"), events),
    el("section", {}, el("h3", {}, "Recent messages"), messages));
  panel.hidden = false;
}

async function loadDetail() {
  if (!selected) return;
  const seq = ++detailSeq;
  const response = await fetch("/api/slots/" + encodeURIComponent(selected), {
    headers: { Accept: "application/json" },
  });
  if (seq !== detailSeq || !selected) return;
  if (response.ok) renderDetail(await response.json());
  else if (response.status === 401 || response.status === 403) showLogin(await errorText(response));
}

function open(port) {
  selected = port;
  document.body.classList.add("detail-open");
  for (const node of byId("grid").children) node.classList.toggle("selected", node.dataset.slot === port);
  loadDetail().catch(() => {});
}

function close() {
  selected = null;
  document.body.classList.remove("detail-open");
  byId("detail").hidden = true;
  for (const node of byId("grid").children) node.classList.remove("selected");
}

async function errorText(response) {
  try {
    return (await response.json()).error;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

function showLogin(message) {
  if (source) source.close();
  source = null;
  setConnection("offline", "signed out");
  const error = byId("login-error");
  error.hidden = !message;
  error.textContent = message || "";
  byId("login").hidden = false;
  byId("login-token").focus();
}

function follow() {
  if (source) source.close();
  source = new EventSource("/api/rack/events");
  source.onopen = () => setConnection("live");
  source.addEventListener("rack", (event) => {
    setConnection("live");
    render(JSON.parse(event.data));
    loadDetail().catch(() => {});
  });
  source.onerror = () => {
    setConnection("reconnecting");
    // CLOSED: the browser gave up (an answer other than a stream: signed out, or the
    // daemon is gone). Ask again from the start after a pause; CONNECTING retries alone.
    if (source && source.readyState === EventSource.CLOSED) {
      source.close();
      source = null;
      setTimeout(start, RETRY_MS);
    }
  };
}

async function start() {
  let response;
  try {
    response = await fetch("/api/rack", { headers: { Accept: "application/json" } });
  } catch {
    setConnection("reconnecting");
    setTimeout(start, RETRY_MS);
    return;
  }
  if (response.status === 401 || response.status === 403) {
    showLogin(response.status === 403 ? await errorText(response) : "");
    return;
  }
  if (!response.ok) {
    setConnection("reconnecting", `error ${response.status}`);
    setTimeout(start, RETRY_MS);
    return;
  }
  byId("login").hidden = true;
  render(await response.json());
  follow();
}

byId("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = new URLSearchParams({ token: byId("login-token").value });
  const response = await fetch("/login", { method: "POST", body });
  if (response.ok) {
    byId("login-token").value = "";
    start();
  } else {
    showLogin(await errorText(response));
  }
});
byId("detail-close").addEventListener("click", close);
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") close();
});

start();
