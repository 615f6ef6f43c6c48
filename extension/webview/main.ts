// The chat panel's script: builds the DOM, renders the host's state (HTML from the host is
// already sanitised; everything else goes in as text), and sends the user's intents back.
import { MentionItem, MentionSearch, insertMention, mentionQuery } from "../src/chat/mentionSearch";
import type { CardView, FromWebview, ItemView, ToWebview, TurnView, ViewState } from "../src/chat/viewModel";

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): { history?: string[] } | undefined;
  setState(state: { history: string[] }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const history: string[] = vscode.getState()?.history ?? [];
let historyAt = history.length;
let state: ViewState | undefined;
const mentioned = new Map<string, string>(); // label → uri
const renderedTurns = new Map<number, { version: string; el: HTMLElement }>();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") {
      node.textContent = v;
    } else {
      node.setAttribute(k, v);
    }
  }
  node.append(...children);
  return node;
}

const icon = (name: string) => el("span", { class: `codicon codicon-${name}`, "aria-hidden": "true" });

// ---- layout ---------------------------------------------------------------------------

const sessionSelect = el("select", { id: "sessions", title: "Chat history", "aria-label": "Chat history" });
const newChat = el("button", { id: "new-chat", class: "icon-button", title: "New Chat", "aria-label": "New Chat" }, icon("add"));
const header = el("div", { class: "header" }, sessionSelect, newChat);
const banner = el("div", { id: "no-key", class: "banner", hidden: "" },
  el("p", { text: "Treewright needs an Anthropic API key to answer. It is kept in VS Code's secret storage and passed only to the Treewright server." }),
  el("button", { id: "set-key", class: "primary", text: "Set API Key" }));
const serverDown = el("div", { id: "server-down", class: "banner warning", hidden: "" },
  el("p", { text: "Treewright's server is not running, so it cannot answer. The log says why." }),
  el("div", { class: "card-actions" },
    el("button", { id: "show-log", class: "secondary", text: "Show Log" }),
    el("button", { id: "restart-server", class: "primary", text: "Restart Server" })));
const messages = el("div", { id: "messages", role: "log", "aria-live": "polite" });
const empty = el("div", { id: "empty", class: "empty" },
  el("p", { text: "Ask about your code, or pick a Treewright action from the lightbulb (Ctrl+.)." }),
  el("p", { class: "hint", text: "Enter sends · Shift+Enter for a new line · ↑ recalls earlier messages · @ mentions a file" }));
const meter = el("div", { id: "meter", class: "meter" });
const chips = el("div", { id: "chips", class: "chips" });
const input = el("textarea", { id: "prompt", rows: "3", placeholder: "Ask Treewright… (@ to mention a file)", "aria-label": "Message" });
const mentionList = el("ul", { id: "mention-list", class: "mention-list", hidden: "", role: "listbox" });
const send = el("button", { id: "send", class: "primary", title: "Send (Enter)" }, icon("send"), " Send");
const stop = el("button", { id: "stop", class: "secondary", title: "Stop", hidden: "" }, icon("debug-stop"), " Stop");
const composer = el("div", { class: "composer" }, chips, mentionList, input, el("div", { class: "actions" }, meter, stop, send));
document.getElementById("app")!.append(header, banner, serverDown, messages, empty, composer);

// ---- rendering ------------------------------------------------------------------------

function renderItem(item: ItemView): HTMLElement {
  if (item.kind === "html") {
    const div = el("div", { class: "markdown" });
    div.innerHTML = item.html; // sanitised by the host (markdown-it without HTML + sanitize-html)
    for (const pre of div.querySelectorAll("pre")) {
      const copy = el("button", { class: "copy icon-button", title: "Copy", "aria-label": "Copy code" }, icon("copy"));
      copy.addEventListener("click", () => vscode.postMessage({ type: "copy", text: pre.textContent ?? "" }));
      pre.append(copy);
    }
    return div;
  }
  const glyph = { start: "loading codicon-modifier-spin", ok: "check", error: "error", denied: "circle-slash" }[item.status];
  return el("div", { class: `tool tool-${item.status}` }, icon(glyph), el("span", { text: item.summary }));
}

function renderCard(card: CardView): HTMLElement {
  const box = el("div", { class: "card", "data-proposal": card.proposalId });
  if (card.missing) {
    box.append(el("div", { class: "card-title", text: "Proposed changes (loading or no longer available)" }));
    return box;
  }
  box.append(el("div", { class: "card-title" }, icon("diff"), el("span", { text: ` ${card.title}` })));
  const list = el("ul", { class: "card-files" });
  for (const f of card.files) {
    list.append(el("li", {},
      el("span", { class: "path", text: f.path + (f.change === "modify" ? "" : ` (${f.change})`) }),
      el("span", { class: "added", text: ` +${f.added}` }),
      el("span", { class: "removed", text: ` −${f.removed}` })));
  }
  box.append(list);
  const status = [`${card.pending} pending`, card.applied ? `${card.applied} accepted` : "", card.rejected ? `${card.rejected} rejected` : ""].filter(Boolean).join(" · ");
  box.append(el("div", { class: "card-status", text: status }));
  for (const c of card.conflicts) {
    box.append(el("div", { class: "conflict" }, icon("warning"), el("span", { text: ` ${c}` })));
  }
  if (card.pending > 0) {
    const review = el("button", { class: "primary", "data-action": "review" }, icon("eye"), " Review");
    const accept = el("button", { class: "secondary", "data-action": "acceptAll" }, icon("check-all"), " Accept all");
    const reject = el("button", { class: "secondary", "data-action": "rejectAll" }, icon("close-all"), " Reject all");
    for (const b of [review, accept, reject]) {
      b.addEventListener("click", () => vscode.postMessage({ type: b.dataset.action as "review", proposalId: card.proposalId }));
    }
    box.append(el("div", { class: "card-actions" }, review, accept, reject));
  }
  return box;
}

function renderTurn(turn: TurnView): HTMLElement {
  const div = el("div", { class: "turn", "data-key": String(turn.key) });
  if (turn.prompt) {
    div.append(el("div", { class: "user" }, el("div", { class: "bubble", text: turn.prompt })));
  }
  const answer = el("div", { class: "assistant" });
  turn.items.forEach((i) => answer.append(renderItem(i)));
  if (!turn.done && !turn.items.some((i) => i.kind === "html")) {
    answer.append(el("div", { class: "thinking" }, icon("loading codicon-modifier-spin"), el("span", { text: " Thinking…" })));
  }
  if (turn.card) {
    answer.append(renderCard(turn.card));
  }
  if (turn.stopped) {
    answer.append(el("div", { class: "stopped" }, icon("debug-stop"), el("span", { text: " Stopped." })));
  }
  if (turn.error) {
    answer.append(el("div", { class: "error" }, icon("error"), el("span", { text: ` ${turn.error}` })));
  }
  div.append(answer);
  return div;
}

function render(next: ViewState): void {
  const sessionChanged = state?.sessionId !== next.sessionId;
  state = next;
  const nearBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 60;

  sessionSelect.replaceChildren(el("option", { value: "", text: next.sessionId ? "New chat" : "New chat (current)" }),
    ...next.sessions.map((s) => el("option", { value: s.sessionId, text: s.label })));
  sessionSelect.value = next.sessionId ?? "";
  sessionSelect.disabled = next.running;
  banner.hidden = next.hasKey;
  serverDown.hidden = next.serverState !== "failed";
  empty.hidden = next.turns.length > 0;
  meter.textContent = next.meter;

  // Re-render only the turns whose version changed: a streaming reply touches one turn.
  const keys = new Set(next.turns.map((t) => t.key));
  for (const [key, r] of renderedTurns) {
    if (!keys.has(key) || sessionChanged) {
      r.el.remove();
      renderedTurns.delete(key);
    }
  }
  let previous: HTMLElement | undefined;
  for (const turn of next.turns) {
    let r = renderedTurns.get(turn.key);
    if (!r || r.version !== turn.version) {
      const fresh = renderTurn(turn);
      if (r) {
        r.el.replaceWith(fresh);
      }
      r = { version: turn.version, el: fresh };
      renderedTurns.set(turn.key, r);
    }
    if (r.el.previousElementSibling !== (previous ?? null) || r.el.parentElement !== messages) {
      if (previous) {
        previous.after(r.el);
      } else {
        messages.prepend(r.el);
      }
    }
    previous = r.el;
  }

  chips.replaceChildren();
  if (next.context) {
    const remove = el("button", { class: "chip-remove icon-button", title: "Don't send this file", "aria-label": "Remove context" }, icon("close"));
    remove.addEventListener("click", () => vscode.postMessage({ type: "removeContext" }));
    chips.append(el("span", { class: "chip", title: next.context.detail }, icon("file"), el("span", { text: ` ${next.context.label}` }), remove));
  }
  for (const [label] of mentioned) {
    const remove = el("button", { class: "chip-remove icon-button", title: "Remove", "aria-label": `Remove ${label}` }, icon("close"));
    remove.addEventListener("click", () => { mentioned.delete(label); render(state!); });
    chips.append(el("span", { class: "chip mention" }, icon("mention"), el("span", { text: ` ${label}` }), remove));
  }

  send.hidden = next.running;
  stop.hidden = !next.running;
  send.disabled = next.serverState === "failed";
  if (nearBottom || sessionChanged) {
    messages.scrollTop = messages.scrollHeight;
  }
}

// ---- input ----------------------------------------------------------------------------

function submit(): void {
  const prompt = input.value.trim();
  if (!prompt || state?.running) {
    return;
  }
  history.push(prompt);
  historyAt = history.length;
  vscode.setState({ history: history.slice(-100) });
  const uris = [...mentioned].filter(([label]) => prompt.includes(`@${label}`)).map(([, uri]) => uri);
  vscode.postMessage({ type: "send", prompt, mentions: uris });
  mentioned.clear();
  input.value = "";
  mentionSearch.typed(undefined);
  hideMentions();
}

let mentionActive = 0;
const mentionSearch = new MentionSearch((query, seq) => vscode.postMessage({ type: "mention", query, seq }));
function hideMentions(): void {
  mentionList.hidden = true;
  mentionList.replaceChildren();
}
function pickMention(li: HTMLElement): void {
  const label = li.dataset.label!;
  const next = insertMention(input.value, input.selectionStart, label);
  input.value = next.text;
  input.setSelectionRange(next.cursor, next.cursor);
  mentioned.set(label, li.dataset.uri!);
  mentionSearch.typed(undefined);
  hideMentions();
  if (state) {
    render(state);
  }
  input.focus();
}
function showMentions(items: MentionItem[]): void {
  mentionActive = 0;
  mentionList.replaceChildren(...items.map((item, i) => {
    const li = el("li", { role: "option", class: i === 0 ? "active" : "", text: item.label, title: item.label });
    li.dataset.label = item.label;
    li.dataset.uri = item.detail;
    li.addEventListener("mousedown", (e) => { e.preventDefault(); pickMention(li); });
    return li;
  }));
  mentionList.hidden = items.length === 0;
}

input.addEventListener("keydown", (e) => {
  if (!mentionList.hidden && mentionList.children.length) {
    const items = [...mentionList.children] as HTMLElement[];
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      mentionActive = (mentionActive + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach((li, i) => li.classList.toggle("active", i === mentionActive));
      return;
    }
    if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      pickMention(items[mentionActive]);
      return;
    }
    if (e.key === "Escape") {
      mentionSearch.typed(undefined);
      hideMentions();
      return;
    }
  }
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  } else if (e.key === "ArrowUp" && input.selectionStart === 0 && input.selectionEnd === 0 && historyAt > 0) {
    e.preventDefault();
    input.value = history[--historyAt];
  } else if (e.key === "ArrowDown" && historyAt < history.length && input.selectionStart === input.value.length) {
    e.preventDefault();
    historyAt++;
    input.value = history[historyAt] ?? "";
  }
});
input.addEventListener("input", () => {
  const query = mentionQuery(input.value, input.selectionStart);
  mentionSearch.typed(query);
  if (query === undefined) {
    hideMentions();
  }
});
send.addEventListener("click", submit);
stop.addEventListener("click", () => vscode.postMessage({ type: "stop" }));
newChat.addEventListener("click", () => vscode.postMessage({ type: "newChat" }));
banner.querySelector("#set-key")!.addEventListener("click", () => vscode.postMessage({ type: "setApiKey" }));
serverDown.querySelector("#show-log")!.addEventListener("click", () => vscode.postMessage({ type: "showLog" }));
serverDown.querySelector("#restart-server")!.addEventListener("click", () => vscode.postMessage({ type: "restartServer" }));
sessionSelect.addEventListener("change", () => {
  if (sessionSelect.value) {
    vscode.postMessage({ type: "openSession", sessionId: sessionSelect.value });
  } else {
    vscode.postMessage({ type: "newChat" });
  }
});
// Links from the model open outside the webview, and only http(s) ones.
messages.addEventListener("click", (e) => {
  const a = (e.target as HTMLElement).closest("a");
  if (a) {
    e.preventDefault();
    vscode.postMessage({ type: "openLink", href: a.getAttribute("href") ?? "" });
  }
});

window.addEventListener("message", (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  if (m.type === "state") {
    render(m.state);
  } else if (m.type === "focus") {
    input.focus();
  } else if (m.type === "mentions" && mentionSearch.accepts(m.seq, m.query)) {
    showMentions(m.items);
  }
});

vscode.postMessage({ type: "ready" });
input.focus();
