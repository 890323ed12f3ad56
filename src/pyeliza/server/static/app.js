// pyeliza chat page: REST for agents, history, memories and runs; server-sent events for streamed replies.
"use strict";

const SERVER_ID = "00000000-0000-0000-0000-000000000000";
const $ = (id) => document.getElementById(id);
const state = { agent: null, channel: null, tab: "memories", userId: loadUserId() };

function loadUserId() {
  let id = localStorage.getItem("pyeliza.userId");
  if (!id) {
    id = crypto.randomUUID ? crypto.randomUUID() : fallbackUuid();
    localStorage.setItem("pyeliza.userId", id);
  }
  return id;
}

function fallbackUuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function headers(extra = {}) {
  const key = $("api-key").value.trim();
  return key ? { ...extra, "X-API-KEY": key } : extra;
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers(options.headers || {}) });
  if (response.status === 204) return null;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = body.error;
    throw new Error(typeof error === "string" ? error : (error && error.message) || response.statusText);
  }
  return body.data !== undefined ? body.data : body;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function loadAgents() {
  const list = $("agents");
  try {
    const data = await api("/api/agents");
    list.replaceChildren();
    for (const agent of data.agents) {
      const button = el("button", state.agent && state.agent.id === agent.id ? "selected" : "", agent.name);
      button.dataset.agentId = agent.id;
      button.append(el("span", `badge ${agent.status}`, agent.status));
      button.addEventListener("click", () => selectAgent(agent));
      const item = el("li");
      item.append(button);
      list.append(item);
    }
    $("agents-status").textContent = data.agents.length ? "" : "No agents yet.";
  } catch (error) {
    $("agents-status").textContent = `Cannot list agents: ${error.message}`;
  }
}

async function selectAgent(agent) {
  if (agent.status !== "active") {
    await api(`/api/agents/${agent.id}/start`, { method: "POST" });
    agent.status = "active";
  }
  state.agent = agent;
  const params = new URLSearchParams({ targetUserId: agent.id, currentUserId: state.userId, dmServerId: SERVER_ID });
  state.channel = await api(`/api/messaging/dm-channel?${params}`);
  $("chat-title").textContent = `Chat with ${agent.name}`;
  $("message-input").disabled = false;
  $("send-button").disabled = false;
  $("message-input").focus();
  await Promise.all([loadAgents(), loadHistory(), loadInspect()]);
}

function addMessage(kind, text, extra = {}) {
  const item = el("li", `message ${kind}`);
  const body = el("span", "text", text);
  item.append(body);
  if (extra.id) item.dataset.messageId = extra.id;
  $("messages").append(item);
  if (extra.thought || (extra.actions && extra.actions.length)) showMeta(item, extra);
  item.scrollIntoView({ block: "end" });
  return item;
}

function showMeta(item, content) {
  item.querySelector(".meta")?.remove();
  const meta = el("span", "meta");
  if (content.thought) meta.append(el("span", "thought", `thought: ${content.thought}`));
  if (content.actions && content.actions.length) {
    if (content.thought) meta.append(document.createElement("br"));
    meta.append(el("span", "actions", `actions: ${content.actions.join(", ")}`));
  }
  item.append(meta);
}

async function loadHistory() {
  $("messages").replaceChildren();
  const data = await api(`/api/messaging/channels/${state.channel.id}/messages?limit=100`);
  for (const message of data.messages.slice().reverse()) {
    const mine = message.authorId === state.userId;
    const meta = message.metadata || {};
    addMessage(mine ? "user" : "agent", message.content, { id: message.id, thought: meta.thought, actions: meta.actions });
  }
}

function parseEvents(buffer, onEvent) {
  let boundary;
  while ((boundary = buffer.indexOf("\n\n")) >= 0) {
    const block = buffer.slice(0, boundary);
    buffer = buffer.slice(boundary + 2);
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trim());
    }
    onEvent(event, data.length ? JSON.parse(data.join("\n")) : null);
  }
  return buffer;
}

async function send(text) {
  addMessage("user", text);
  let bubble = null;
  const response = await fetch(`/api/messaging/channels/${state.channel.id}/messages`, {
    method: "POST",
    headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
    body: JSON.stringify({
      author_id: state.userId,
      content: text,
      message_server_id: SERVER_ID,
      source_type: "client_chat",
      transport: "sse",
      metadata: { isDm: true, targetAgentId: state.agent.id, channelType: "DM" },
    }),
  });
  if (!response.ok || !response.body) {
    const body = await response.json().catch(() => ({}));
    addMessage("agent error", `Error: ${(body.error && body.error.message) || response.statusText}`);
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const onEvent = (event, data) => {
    if (event === "chunk") {
      if (!bubble) bubble = addMessage("agent streaming", "");
      bubble.querySelector(".text").textContent += data.chunk;
      bubble.scrollIntoView({ block: "end" });
    } else if (event === "done") {
      if (!data || !data.text) {
        if (bubble) bubble.remove();
        return;
      }
      if (!bubble) bubble = addMessage("agent", "");
      bubble.classList.remove("streaming");
      bubble.querySelector(".text").textContent = data.text;
      showMeta(bubble, data);
    } else if (event === "error") {
      addMessage("agent error", `Error: ${data.error}`);
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), onEvent);
  }
  loadInspect();
}

let inspectRequest = 0;

async function loadInspect() {
  const target = $("inspect");
  if (!state.agent) return;
  const id = state.agent.id;
  const request = ++inspectRequest;
  const items = [];
  const item = (text, detail) => {
    const node = el("div", "item", text);
    node.append(el("br"), el("code", "", detail));
    items.push(node);
  };
  try {
    if (state.tab === "memories") {
      const data = await api(`/api/memory/${id}/memories?channelId=${state.channel.id}`);
      for (const memory of data.memories) {
        item(memory.content.text || JSON.stringify(memory.content), new Date(memory.createdAt).toLocaleString());
      }
      if (!items.length) items.push(el("p", "muted", "No memories yet."));
    } else if (state.tab === "runs") {
      const data = await api(`/api/agents/${id}/runs?limit=20`);
      for (const run of data.runs) {
        const counts = run.counts || {};
        item(
          `${run.status} · ${run.durationMs ?? "?"} ms · ${counts.modelCalls ?? 0} model calls · ${counts.actions ?? 0} actions`,
          run.runId,
        );
      }
      if (!items.length) items.push(el("p", "muted", "No runs yet."));
    } else {
      const data = await api(`/api/agents/${id}/logs?count=50`);
      for (const log of data) item(log.type, JSON.stringify(log.body).slice(0, 200));
      if (!items.length) items.push(el("p", "muted", "No logs yet."));
    }
  } catch (error) {
    items.splice(0, items.length, el("p", "muted", `Cannot load ${state.tab}: ${error.message}`));
  }
  // A newer request (tab switch, reply arrived) owns the panel; drop this stale result.
  if (request === inspectRequest) target.replaceChildren(...items);
}

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("message-input");
  const text = input.value.trim();
  if (!text || !state.channel) return;
  input.value = "";
  $("send-button").disabled = true;
  try {
    await send(text);
  } catch (error) {
    addMessage("agent error", `Error: ${error.message}`);
  } finally {
    $("send-button").disabled = false;
    input.focus();
  }
});

for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t === tab));
    state.tab = tab.dataset.tab;
    loadInspect();
  });
}

$("refresh").addEventListener("click", () => loadInspect());
$("api-key").value = localStorage.getItem("pyeliza.apiKey") || "";
$("api-key").addEventListener("change", () => {
  localStorage.setItem("pyeliza.apiKey", $("api-key").value.trim());
  loadAgents();
});
loadAgents();
