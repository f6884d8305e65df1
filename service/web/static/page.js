// The agreement page: draws what the API answers. Everything shown comes from the same
// JSON the API serves; text is set with textContent, never parsed as HTML.
"use strict";

const root = document.getElementById("agreement");
const api = root.dataset.api;
const onInput = document.getElementById("on");
const knownInput = document.getElementById("known");
const knownLabel = document.getElementById("known-label");
let instants = []; // every recorded_at, oldest first: the steps of the known-at slider
let span = null; // the days the drawn timeline covers, to place the chosen day on it

const DAY_MS = 86400000;
const days = (from, to) => (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
const words = (name) => name.replaceAll("_", " ");

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function json(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.title}: ${body.detail}`);
  return body;
}

// Answers may arrive out of order (pick a day, then slide known-at at once): each kind of
// question shows only the answer to its newest asking, null standing for a superseded one.
const asked = {};
async function latest(kind, path) {
  const ticket = (asked[kind] = (asked[kind] ?? 0) + 1);
  try {
    const body = await json(path);
    return ticket === asked[kind] ? body : null;
  } catch (error) {
    if (ticket === asked[kind]) throw error;
    return null;
  }
}

function knownAt() {
  const index = Number(knownInput.value);
  return index >= instants.length - 1 ? null : instants[index];
}

function query(parameters) {
  const known = knownAt();
  if (known) parameters.known_at = known;
  return new URLSearchParams(parameters).toString();
}

function describe(status) {
  let text = `${words(status.phase)}${status.since ? ` since ${status.since}` : ""}`;
  const termination = status.termination;
  if (termination && termination.state === "pending") {
    text += ` — termination pending, effective ${termination.effective_on}`;
  } else if (termination) {
    text += ` — termination suspended on ${termination.suspended_on}` +
      `${termination.conditional ? " (conditionally)" : ""}, notice of ${termination.notified_on}`;
  }
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function markDay() {
  const cursor = document.getElementById("cursor");
  const inside = span && onInput.value >= span.from && onInput.value <= span.to;
  cursor.hidden = !inside;
  if (inside) cursor.style.left = `${(100 * (days(span.from, onInput.value) - 0.5)) / days(span.from, span.to)}%`;
}

function termText(term) {
  return `Term ${term.number}: ${term.started_on} to ${term.ends_on}` +
    (term.notice_deadline ? `, notice deadline ${term.notice_deadline}` : "");
}

// Each government's reading of a contested fact, with its sources; the page picks none.
function showContest(contested) {
  const box = document.getElementById("contested");
  box.replaceChildren();
  box.hidden = !contested;
  if (!contested) return;
  box.append(element("p", `Contested: the ${words(contested.fact)}. The parties read it differently:`));
  const readings = element("ul", null, "readings");
  for (const reading of contested.readings) {
    const item = element("li", null, "reading");
    const meaning = reading.term ? `the renewal runs (${termText(reading.term)})` : "annual extension does not apply";
    item.append(element("strong", reading.held_by.name), document.createTextNode(`: ${meaning}`));
    const sources = element("ul", null, "sources");
    sources.append(...reading.sources.map(sourceItem));
    item.append(sources);
    readings.append(item);
  }
  box.append(readings);
}

async function showStatus() {
  markDay();
  const target = document.getElementById("status");
  const term = document.getElementById("term");
  try {
    const status = await latest("status", `${api}/status?${query({ on: onInput.value })}`);
    if (status === null) return;
    target.textContent = describe(status);
    target.dataset.phase = status.phase;
    term.textContent = status.term
      ? termText(status.term) + (status.term.renewal_disputed ? " (renewal disputed)" : "")
      : "";
    showContest(status.contested);
  } catch (error) {
    target.textContent = error.message;
    term.textContent = "";
    showContest(null);
  }
}

async function showTimeline() {
  const bar = document.getElementById("timeline");
  const years = document.getElementById("years");
  const list = document.getElementById("intervals");
  const answer = await latest("timeline", `${api}/timeline?${query({})}`);
  if (answer === null) return;
  const total = days(answer.from, answer.to);
  span = { from: answer.from, to: answer.to };
  bar.replaceChildren();
  years.replaceChildren();
  list.replaceChildren();
  for (const interval of answer.intervals) {
    const length = days(interval.starts_on, interval.ends_on);
    const label = `${interval.starts_on} to ${interval.ends_on}: ${words(interval.phase)}` +
      (interval.termination ? `, termination ${interval.termination}` : "") +
      (interval.term ? `, term ${interval.term}` : "") + (interval.derived ? " (derived)" : "") +
      (interval.contested ? " (contested: the parties read it differently)" : "");
    const segment = element("div", null, `segment ${interval.phase} ${interval.termination || ""}` +
      (interval.derived ? " derived" : "") + (interval.contested ? " contested" : ""));
    segment.style.flexGrow = String(length);
    segment.title = label;
    bar.append(segment);
    list.append(element("li", label, [interval.derived ? "derived" : "", interval.contested ? "contested" : ""]
      .filter(Boolean).join(" ")));
  }
  const first = Number(answer.from.slice(0, 4)) + 1;
  const last = Number(answer.to.slice(0, 4));
  const step = Math.max(1, Math.ceil((last - first + 1) / 8));
  for (let year = first; year <= last; year += step) {
    const mark = element("span", String(year));
    mark.style.left = `${(100 * (days(answer.from, `${year}-01-01`) - 1)) / total}%`;
    years.append(mark);
  }
  markDay();
}

function sourceItem(source) {
  const item = element("li");
  const name = [source.publisher, source.title, source.published_on].filter(Boolean).join(", ");
  if (source.url && /^https?:\/\//.test(source.url)) {
    const link = element("a", name);
    link.href = source.url;
    link.rel = "noopener noreferrer";
    item.append(link);
  } else {
    item.textContent = name;
  }
  return item;
}

async function loadEvents() {
  const events = [];
  let after = 0;
  for (;;) {
    const page = await json(`${api}/events?after_version=${after}&limit=1000`);
    events.push(...page.events);
    if (page.next_after_version === null) break;
    after = page.next_after_version;
  }
  return events;
}

function showEvents(events) {
  const list = document.getElementById("events");
  list.replaceChildren();
  const ordered = [...events].sort((a, b) => a.occurred_on.localeCompare(b.occurred_on) || a.version - b.version);
  for (const event of ordered) {
    const item = element("li", null, "event");
    item.dataset.recordedAt = event.recorded_at;
    item.append(element("time", event.occurred_on), element("strong", words(event.type)));
    if (event.payload.summary) item.append(element("p", event.payload.summary));
    if (event.payload.actors && event.payload.actors.length) {
      item.append(element("p", event.payload.actors.join(", "), "actors"));
    }
    const sources = element("ul", null, "sources");
    sources.append(...event.sources.map(sourceItem));
    item.append(sources);
    list.append(item);
  }
}

function markKnown() {
  const known = knownAt();
  knownLabel.textContent = known ? known.replace("T", " ").slice(0, 19) + " UTC" : "now";
  for (const item of document.querySelectorAll("#events .event")) {
    item.classList.toggle("not-yet-known", known !== null && Date.parse(item.dataset.recordedAt) > Date.parse(known));
  }
}

async function start() {
  const agreement = await json(api);
  onInput.value = agreement.status.on;
  const events = await loadEvents();
  instants = [...new Set(events.map((event) => event.recorded_at))].sort((a, b) => Date.parse(a) - Date.parse(b));
  knownInput.max = String(Math.max(0, instants.length - 1));
  knownInput.value = knownInput.max;
  showEvents(events);
  markKnown();
  await Promise.all([showStatus(), showTimeline()]);
  onInput.addEventListener("change", showStatus);
  knownInput.addEventListener("input", () => {
    markKnown();
    showStatus();
    showTimeline();
  });
  root.dataset.ready = "true";
}

start().catch((error) => {
  document.getElementById("status").textContent = error.message;
});
