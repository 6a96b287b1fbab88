// The cfm console: the fleet at a glance, executions (list, state graph, steps) and resources
// (record, live status, history, metrics), from the same API the CLI uses, with the caller's bearer token. No build, no CDN.
"use strict";

const BASE = location.pathname.replace(/\/console\/?$/, "");
const KINDS = {
  origins: "Origins", distributions: "Distributions", templates: "Templates", certificates: "Certificates",
  "cache-policies": "Cache policies", "origin-request-policies": "Origin-request policies", "edge-functions": "Edge functions",
};
const PREFIXES = { "org-": "origins", "dist-": "distributions", "tmpl-": "templates", "cp-": "cache-policies", "orp-": "origin-request-policies", "edge-": "edge-functions", "arn:aws:acm": "certificates" };
const REFRESH_MS = 2000;
let timer = null;

// --- signing in: `#token=…` once, then the session keeps it ------------------------------
(function takeToken() {
  const match = location.hash.match(/^#token=([^&]+)/);
  if (match) {
    sessionStorage.setItem("cfm-token", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + "#/executions");
  }
})();

function token() { return sessionStorage.getItem("cfm-token"); }

async function api(path) {
  const response = await fetch(BASE + path, { headers: { Authorization: "Bearer " + token() } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status} ${body.message || response.statusText}`);
  return body;
}

// --- rendering helpers ---------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
}

// Sections may be lists of nodes (a heading and its body), flattened here.
function show(...nodes) { document.getElementById("main").replaceChildren(...nodes.flat(2)); }

function json(value) { return el("pre", {}, JSON.stringify(value, null, 2)); }

function status(text) { return el("span", { class: `status status-${text}` }, text); }

function resourceLink(id) {
  if (!id) return "-";
  const kind = Object.entries(PREFIXES).find(([prefix]) => id.startsWith(prefix));
  return kind ? el("a", { href: `#/resources/${kind[1]}/${encodeURIComponent(id)}` }, id) : id;
}

function table(headers, rows) {
  return el("table", {}, el("tr", {}, headers.map((h) => el("th", {}, h))), rows);
}

function later(fn) { clearTimeout(timer); timer = setTimeout(fn, REFRESH_MS); document.getElementById("refresh").textContent = "auto-refreshing"; }

// --- executions ----------------------------------------------------------------------------
async function executions(query) {
  const params = new URLSearchParams(query);
  const filters = el("form", { class: "filters", id: "filters" },
    el("input", { name: "workflow", placeholder: "workflow", value: params.get("workflow") || "" }),
    el("select", { name: "status" }, ["", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"].map((s) => {
      const option = el("option", { value: s }, s || "any status");
      if (s === (params.get("status") || "")) option.selected = true;
      return option;
    })),
    el("input", { name: "resourceId", placeholder: "resource id", value: params.get("resourceId") || "" }),
    el("button", { type: "submit" }, "Filter"));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams([...new FormData(filters)].filter(([, v]) => v));
    location.hash = "#/executions?" + chosen;
  });
  const listed = await api("/executions?limit=50&" + [...params].filter(([, v]) => v).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&"));
  const rows = listed.executions.map((e) => el("tr", { "data-execution": e.name },
    el("td", {}, status(e.status)),
    el("td", {}, e.workflow || "-"),
    el("td", {}, resourceLink(e.resourceId)),
    el("td", {}, el("a", { href: `#/executions/${encodeURIComponent(e.name)}` }, e.name)),
    el("td", { class: "muted" }, e.startedAt)));
  show(el("h1", {}, "Executions"), filters, table(["Status", "Workflow", "Resource", "Execution", "Started"], rows),
    listed.nextToken ? el("p", { class: "muted" }, "More executions exist; narrow the filters.") : "");
  later(() => route());
}

/** Every state's successors; `Catch` transitions marked. */
function transitions(state) {
  const out = [];
  if (state.Next) out.push({ to: state.Next });
  if (state.Default) out.push({ to: state.Default });
  for (const choice of state.Choices || []) if (choice.Next) out.push({ to: choice.Next });
  for (const caught of state.Catch || []) out.push({ to: caught.Next, catch: true });
  return out;
}

/** States in rows: the happy path by its distance from StartAt, then what only a Catch
 * reaches, below the deepest state that catches into it. */
function layout(definition) {
  const depth = {};
  const walk = (start, at) => {
    depth[start] = at;
    const queue = [start];
    while (queue.length) {
      const name = queue.shift();
      for (const { to, catch: caught } of transitions(definition.States[name] || {})) {
        if (!caught && !(to in depth)) { depth[to] = depth[name] + 1; queue.push(to); }
      }
    }
  };
  walk(definition.StartAt, 0);
  for (let changed = true; changed;) {
    changed = false;
    const deepest = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (!(name in depth)) continue;
      for (const { to, catch: caught } of transitions(state)) {
        if (caught && !(to in depth)) deepest[to] = Math.max(deepest[to] ?? 0, depth[name] + 1);
      }
    }
    for (const [name, at] of Object.entries(deepest)) { walk(name, at); changed = true; }
  }
  const last = Math.max(0, ...Object.values(depth));
  for (const name of Object.keys(definition.States)) if (!(name in depth)) depth[name] = last + 1;
  const rows = [];
  for (const name of Object.keys(definition.States)) (rows[depth[name]] ||= []).push(name);
  return rows.filter(Boolean);
}

function graph(definition, outcomes) {
  const [W, H, GX, GY] = [190, 32, 24, 46];
  const rows = layout(definition);
  const width = Math.max(...rows.map((r) => r.length)) * (W + GX) + GX + 60;
  const at = {};
  rows.forEach((row, y) => row.forEach((name, x) => {
    const offset = (width - 60 - row.length * (W + GX)) / 2;
    at[name] = { x: offset + GX + x * (W + GX), y: 16 + y * (H + GY), row: y };
  }));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "graph");
  svg.setAttribute("width", width);
  svg.setAttribute("height", rows.length * (H + GY) + 16);
  for (const [name, state] of Object.entries(definition.States)) {
    for (const edge of transitions(state)) {
      const [a, b] = [at[name], at[edge.to]];
      if (!a || !b) continue;
      const path = document.createElementNS(ns, "path");
      const d = b.row > a.row
        ? `M${a.x + W / 2},${a.y + H} C${a.x + W / 2},${a.y + H + GY / 2} ${b.x + W / 2},${b.y - GY / 2} ${b.x + W / 2},${b.y}`
        : `M${a.x + W},${a.y + H / 2} C${a.x + W + 50},${a.y + H / 2} ${b.x + W + 50},${b.y + H / 2} ${b.x + W},${b.y + H / 2}`;
      path.setAttribute("d", d);
      path.setAttribute("class", edge.catch ? "edge catch" : "edge");
      svg.append(path);
    }
  }
  for (const [name, state] of Object.entries(definition.States)) {
    const g = document.createElementNS(ns, "g");
    g.setAttribute("class", "node");
    g.setAttribute("data-state", name);
    g.setAttribute("data-status", outcomes[name] || "not-reached");
    const rect = document.createElementNS(ns, "rect");
    for (const [k, v] of Object.entries({ x: at[name].x, y: at[name].y, width: W, height: H })) rect.setAttribute(k, v);
    const text = document.createElementNS(ns, "text");
    text.setAttribute("x", at[name].x + W / 2);
    text.setAttribute("y", at[name].y + H / 2);
    text.textContent = `${name} · ${state.Type}`;
    const title = document.createElementNS(ns, "title");
    title.textContent = `${name} (${state.Type}): ${outcomes[name] || "not reached"}`;
    g.append(rect, text, title);
    svg.append(g);
  }
  return svg;
}

async function execution(id) {
  const view = await api(`/executions/${encodeURIComponent(id)}`);
  const { steps } = await api(`/executions/${encodeURIComponent(id)}/steps`);
  const workflow = view.name.split(".")[0];
  const { definition } = await api(`/workflows/${encodeURIComponent(workflow)}`);
  // A state's colour is how its last run went.
  const outcomes = {};
  for (const step of steps) outcomes[step.name] = step.outcome;
  const resource = view.name.split(".")[1];
  const rows = steps.map((s) => el("tr", { "data-step": s.name },
    el("td", {}, s.name), el("td", {}, s.stateType), el("td", { class: `outcome-${s.outcome}` }, s.outcome),
    el("td", { class: "muted" }, s.enteredAt), el("td", {}, s.durationMs === undefined ? "…" : `${(s.durationMs / 1000).toFixed(1)} s`),
    el("td", {}, s.retries ? `${s.attempts} (${s.retries} retried)` : String(s.attempts)),
    el("td", {}, s.error ? `${s.error}: ${s.cause || ""}` : ""),
    el("td", {}, el("details", {}, el("summary", {}, "input / output"), json({ input: s.input, output: s.output })))));
  show(
    el("h1", {}, view.name),
    el("p", {}, status(view.status), " · ", workflow, " · resource ", resourceLink(resource), " · started ", view.startedAt,
      view.stoppedAt ? ` · stopped ${view.stoppedAt}` : ""),
    view.error ? el("div", { class: "failure", id: "failure" }, `${view.error}\n${view.cause || ""}`) : "",
    el("p", { class: "legend muted" }, ["succeeded", "caught", "failed", "running", "not reached"].map((o) => el("span", { class: `outcome-${o}` }, "■ " + o))),
    graph(definition, outcomes),
    el("h2", {}, "Steps"),
    table(["State", "Type", "Outcome", "Entered", "Took", "Attempts", "Error", ""], rows),
    el("h2", {}, "Input"), json(view.input),
    view.output ? [el("h2", {}, "Output"), json(view.output)] : "");
  if (view.status === "RUNNING") later(() => route());
}

// --- resources -----------------------------------------------------------------------------
async function resources(kind) {
  const listed = await api(`/${kind}`);
  const items = Object.values(listed).find(Array.isArray) || [];
  const rows = items.map((r) => {
    const id = r.id || r.certificateArn || r.arn;
    return el("tr", { "data-resource": id },
      el("td", {}, el("a", { href: `#/resources/${kind}/${encodeURIComponent(id)}` }, id)),
      el("td", {}, r.name || r.domainName || ""), el("td", {}, status(r.status || "")), el("td", { class: "muted" }, r.updatedAt || ""));
  });
  show(el("h1", {}, KINDS[kind] || kind), table(["Id", "Name", "Status", "Updated"], rows));
}

// A line through a metric's points, scaled to its own range.
function sparkline(points) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const [width, height] = [160, 24];
  svg.setAttribute("class", "sparkline");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  const values = points.map((p) => p.value);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const x = (i) => (values.length > 1 ? (i * (width - 2)) / (values.length - 1) + 1 : width / 2);
  const y = (v) => (high > low ? height - 2 - ((v - low) * (height - 4)) / (high - low) : height / 2);
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", values.map((v, i) => `${x(i)},${y(v)}`).join(" "));
  svg.append(line);
  return svg;
}

// CloudFront's metrics of the last three hours (the API's default window), one row each.
async function metrics(path) {
  const answer = await api(path + "/metrics").catch((e) => ({ error: e.message }));
  if (answer.error) return el("p", { class: "muted", id: "metrics" }, `No metrics: ${answer.error}`);
  const rows = Object.entries(answer.summary).map(([key, { value, of }]) => {
    const points = answer.metrics[key] || [];
    return el("tr", { "data-metric": key }, el("td", {}, key), el("td", {}, points.length ? Number(value.toFixed(2)) : "-"),
      el("td", { class: "muted" }, of), el("td", {}, points.length ? sparkline(points) : el("span", { class: "muted" }, "no data")));
  });
  return el("div", { id: "metrics" }, el("p", { class: "muted" }, `${answer.from} – ${answer.to}, per ${answer.period} s`),
    table(["Metric", "Value", "Of", "Trend"], rows));
}

async function resource(kind, id) {
  const path = `/${kind}/${encodeURIComponent(id)}`;
  const record = await api(path);
  const distribution = kind === "distributions";
  const live = distribution ? await api(path + "/status").catch((e) => ({ error: e.message })) : null;
  const measured = distribution ? await metrics(path) : null;
  const history = await api(path + "/history").catch(() => ({ events: [] }));
  const rows = (history.events || []).map((e) => el("tr", {},
    el("td", { class: "muted" }, e.metadata?.occurredAt || ""), el("td", {}, e.detailType), el("td", {}, e.metadata?.actor || ""),
    el("td", {}, e.metadata?.executionArn ? el("a", { href: `#/executions/${encodeURIComponent(e.metadata.executionArn.split(":").pop())}` }, "execution") : "")));
  show(el("h1", {}, `${KINDS[kind] || kind}: ${id}`), el("p", {}, status(record.status || "")),
    el("h2", {}, "Record"), json(record),
    live ? [el("h2", {}, "Live in CloudFront"), json(live)] : "",
    measured ? [el("h2", {}, "Metrics"), measured] : "",
    el("h2", {}, "History"), table(["When", "Event", "By", ""], rows));
}

// --- the fleet ---------------------------------------------------------------------------
// `GET /fleet`: the counts, one row each.
async function fleet() {
  const summary = await api("/fleet");
  const counts = (kind, values) => Object.entries(values).map(([name, count]) =>
    el("tr", { "data-count": `${kind}.${name}` }, el("td", {}, kind), el("td", {}, name), el("td", {}, String(count))));
  const { byStatus, ...distributions } = summary.distributions;
  const rows = [
    counts("distributions", distributions),
    counts("distributions by status", byStatus),
    counts("origins by status", summary.origins.byStatus),
    counts("edge functions by status", summary.edgeFunctions.byStatus),
    counts("certificates", summary.certificates),
  ];
  show(el("h1", {}, "Fleet"), table(["Of", "What", "Count"], rows.flat()));
}

// --- routing -------------------------------------------------------------------------------
function signIn() {
  const box = el("textarea", { id: "token", placeholder: "bearer token" });
  const button = el("button", {}, "Sign in");
  button.addEventListener("click", () => { sessionStorage.setItem("cfm-token", box.value.trim()); route(); });
  show(el("div", { class: "signin" }, el("h1", {}, "Sign in"), el("p", {}, "Paste the API token (`cfm local up` prints a console link that signs you in)."), box, button));
}

async function route() {
  clearTimeout(timer);
  document.getElementById("refresh").textContent = "";
  if (!token()) return signIn();
  const [path, query] = (location.hash.slice(1) || "/executions").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === "fleet") await fleet();
    else if (parts[0] === "executions" && parts[1]) await execution(parts[1]);
    else if (parts[0] === "resources" && parts[2]) await resource(parts[1], parts[2]);
    else if (parts[0] === "resources" && parts[1]) await resources(parts[1]);
    else await executions(query || "");
  } catch (error) {
    if (String(error.message).startsWith("401")) { sessionStorage.removeItem("cfm-token"); return signIn(); }
    show(el("div", { class: "failure" }, error.message));
  }
}

window.addEventListener("hashchange", route);
route();
