"use strict";
const $ = (id) => document.getElementById(id);
// With SUMMARIZER_API_TOKEN set, the browser asks for the token when it loads this page
// (HTTP Basic, any user name) and sends it with the calls below by itself.
const JSON_HEADERS = { "Content-Type": "application/json" };

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

async function loadModels() {
  const response = await fetch("/v1/models");
  if (!response.ok) { $("status").textContent = "Could not list models: " + response.status; return; }
  const models = await response.json();
  $("model").replaceChildren(...models.map((m) => {
    const option = el("option", m.model + (m.usable ? "" : " (not usable: " + m.reason + ")"));
    option.value = m.model; option.disabled = !m.usable; option.selected = m.default;
    return option;
  }));
}

function highlight(ids, quote) {
  document.querySelectorAll("#paragraphs tr").forEach((row) => row.classList.toggle("hl", ids.includes(row.dataset.id)));
  document.querySelectorAll("#paragraphs mark").forEach((m) => m.replaceWith(m.textContent));
  if (quote) {
    document.querySelectorAll("#paragraphs tr.hl td").forEach((cell) => {
      const at = cell.textContent.indexOf(quote);
      if (at >= 0) {
        const text = cell.textContent;
        cell.replaceChildren(text.slice(0, at), el("mark", quote), text.slice(at + quote.length));
      }
    });
  }
  const first = document.querySelector("#paragraphs tr.hl");
  if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
}

function refs(ids, quote) {
  return ids.map((id) => {
    const link = el("button", "[" + id + "]", "ref");
    link.type = "button";
    link.setAttribute("aria-label", "show paragraph " + id);
    link.addEventListener("click", () => highlight([id], quote));
    return link;
  });
}

function render(brief) {
  const s = brief.summary, st = brief.stance;
  $("headline").textContent = s.headline;
  $("meta").textContent = [s.outlet, s.genre, brief.article.language, brief.meta.model,
    brief.meta.calls + " calls (" + brief.meta.cached_calls + " cached)"].filter(Boolean).join(" · ");
  $("tldr").textContent = s.tldr;
  $("points").replaceChildren(...s.key_points.map((kp) => {
    const li = el("li", kp.text); li.append(...refs(kp.paragraphs)); return li;
  }));
  const label = el("span", st.label, "label " + st.label);
  $("stance").replaceChildren(label, " toward ", el("em", st.target),
    (st.target_inferred ? " (inferred)" : "") + ", confidence " + st.confidence.toFixed(2) +
    (st.supported ? "" : " — unsupported: no quote shows the author's side"));
  $("rationale").textContent = st.rationale;
  $("quotes").replaceChildren(...st.evidence.map((e) => {
    const li = el("li"); li.append(el("q", e.quote), " (" + e.source + ")", ...refs([e.paragraph], e.quote)); return li;
  }));
  $("entities").replaceChildren(...s.entities.map((e) => el("li", e.name + (e.chinese ? " (" + e.chinese + ")" : "") + " — " + e.type)));
  $("figures").replaceChildren(...s.figures.map((f) => { const li = el("li", f.value + " — " + f.measures); li.append(...refs([f.paragraph])); return li; }));
  $("warnings").replaceChildren(...brief.warnings.map((w) => el("li", w)));
  $("warnings-box").hidden = brief.warnings.length === 0;
  const english = {};
  if (brief.translation) brief.translation.paragraphs.forEach((p) => { english[p.id] = p.text; });
  const problems = paragraphProblems(brief);
  $("paragraphs").tBodies[0].replaceChildren(...brief.article.paragraphs.map((p) => {
    const row = el("tr"); row.dataset.id = p.id;
    const id = el("td", p.id);
    (problems[p.id] || []).forEach((text) => {
      const badge = el("span", "check", "badge"); badge.title = text; badge.setAttribute("aria-label", text);
      id.append(" ", badge);
    });
    row.append(id, el("td", p.text), el("td", english[p.id] || (brief.translation ? "" : "(English source)")));
    return row;
  }));
  $("brief").hidden = false;
  $("export").hidden = false;
  current = brief;
}

// Check details name their paragraph ("p3: 25% from the source is missing"): a badge per row.
const PLAIN = {
  glossary_names: "a name is not written as the glossary says",
  numbers_preserved: "a number of the source is missing or changed",
  no_chinese_left: "Chinese characters are left in the English",
  length_plausible: "the English looks too short or too long for the source",
  no_repetition: "the English repeats itself",
  no_refusal: "the model refused to translate this paragraph",
};
function paragraphProblems(brief) {
  const found = {};
  (brief.translation ? brief.translation.checks : []).forEach((check) => {
    (check.details || []).forEach((detail) => {
      const m = detail.match(/^(p\d+)(?:\.\d+)?: (.*)$/);
      if (m) (found[m[1]] = found[m[1]] || []).push((PLAIN[check.name] || check.name) + " (" + m[2] + ")");
    });
  });
  return found;
}

let current = null;

function download(name, type, text) {
  const link = el("a"); link.download = name;
  link.href = URL.createObjectURL(new Blob([text], { type }));
  document.body.append(link); link.click(); link.remove();
}

async function markdown() {
  const response = await fetch("/v1/markdown", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(current) });
  if (!response.ok) throw new Error("could not render Markdown: " + response.status);
  return response.text();
}

function slug() { return (current.summary.headline || "brief").toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 60); }

const HISTORY_KEY = "summarizer.history";
function loadHistory() { try { return JSON.parse(localStorage.getItem(HISTORY_KEY)) || []; } catch (e) { return []; } }
function remember(brief) {
  const kept = loadHistory().filter((h) => h.brief.created_at !== brief.created_at);
  kept.unshift({ headline: brief.summary.headline, at: brief.created_at, brief });
  try { localStorage.setItem(HISTORY_KEY, JSON.stringify(kept.slice(0, 10))); } catch (e) { kept.pop(); }
  showHistory();
}
function showHistory() {
  const items = loadHistory();
  $("history-box").hidden = items.length === 0;
  $("history").replaceChildren(...items.map((h) => {
    const li = el("li"); const open = el("button", h.headline, "link"); open.type = "button";
    open.addEventListener("click", () => { render(h.brief); $("status").textContent = "From your history (" + h.at + ")."; });
    li.append(open, el("span", " " + h.at, "muted")); return li;
  }));
}

// The brief streams in as Server-Sent Events: the paragraphs' English appears as the model
// writes it; Cancel closes the stream, and the server stops the model work still to come.
let running = null;

function showArticle(article) {
  $("brief").hidden = false;
  $("headline").textContent = article.title || "Translating…";
  $("paragraphs").tBodies[0].replaceChildren(...article.paragraphs.map((p) => {
    const row = el("tr"); row.dataset.id = p.id;
    row.append(el("td", p.id), el("td", p.text), el("td", article.language === "en" ? "(English source)" : "…", "pending"));
    return row;
  }));
  $("progress").max = article.language === "en" ? 2 : article.paragraphs.length + 2;
  $("progress").value = 0;
}

function showParagraph(paragraph) {
  const row = document.querySelector('#paragraphs tr[data-id="' + paragraph.id + '"]');
  if (row) { row.cells[2].textContent = paragraph.text; row.cells[2].className = ""; }
  $("progress").value += 1;
  $("status").textContent = "Translated " + paragraph.id + "…";
}

function onEvent(kind, data) {
  if (kind === "article") showArticle(data);
  else if (kind === "paragraph") showParagraph(data);
  else if (kind === "summary") { $("progress").value += 1; $("status").textContent = "Summary done; labelling the stance…"; }
  else if (kind === "stance") $("progress").value += 1;
  else if (kind === "done") { render(data); remember(data); $("status").textContent = "Done."; }
  else if (kind === "error") throw new Error(data.error.code + ": " + data.error.message);
}

async function readEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, end); buffer = buffer.slice(end + 2);
      const kind = (frame.match(/^event: (.*)$/m) || [])[1];
      const data = (frame.match(/^data: (.*)$/m) || [])[1];
      if (kind && data) onEvent(kind, JSON.parse(data));
    }
  }
}

async function submit(event) {
  event.preventDefault();
  const url = $("url").value.trim();
  const text = $("text").value.trim();
  if (!url && !text) { $("status").textContent = "Give a web address, paste an article or choose a file first."; return; }
  const body = { model: $("model").value || null, target: $("target").value.trim() || null };
  if (url) body.url = url;
  else body[/^\s*<(!doctype|html)/i.test(text) ? "html" : "text"] = text;
  running = new AbortController();
  $("submit").disabled = true; $("cancel").hidden = false; $("progress").hidden = false;
  $("progress").removeAttribute("value");
  $("status").className = "";
  $("status").textContent = "Working… a local model takes a few minutes for a long article.";
  try {
    const response = await fetch("/v1/brief/stream", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(body), signal: running.signal });
    if (!response.ok) {
      const data = await response.json();
      throw new Error(data.error ? data.error.code + ": " + data.error.message : response.statusText);
    }
    await readEvents(response);
  } catch (error) {
    $("status").className = "error";
    $("status").textContent = error.name === "AbortError" ? "Cancelled." : String(error.message || error);
  } finally {
    running = null;
    $("submit").disabled = false; $("cancel").hidden = true; $("progress").hidden = true;
  }
}

// Chinese pages are often saved as GBK/GB18030 or Big5, not UTF-8: try the strict decoders in
// turn (a BOM picks UTF-16) and say which one read the file.
async function readFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const bom16 = bytes.length > 1 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  const encodings = bom16 ? ["utf-16"] : ["utf-8", "gb18030", "big5"];
  for (const encoding of encodings) {
    try {
      $("text").value = new TextDecoder(encoding, { fatal: true }).decode(bytes);
      $("status").className = "";
      $("status").textContent = file.name + ": read as " + encoding.toUpperCase() + ".";
      return;
    } catch (error) { /* not this encoding */ }
  }
  $("status").className = "error";
  $("status").textContent = file.name + ": not text in UTF-8, GB18030 or Big5; send it through the CLI or the API.";
}

$("form").addEventListener("submit", submit);
$("cancel").addEventListener("click", () => { if (running) running.abort(); });
$("copy-md").addEventListener("click", async () => {
  try { await navigator.clipboard.writeText(await markdown()); $("status").textContent = "Markdown copied."; }
  catch (error) { $("status").className = "error"; $("status").textContent = String(error.message || error); }
});
$("save-md").addEventListener("click", async () => download(slug() + ".md", "text/markdown", await markdown()));
$("save-json").addEventListener("click", () => download(slug() + ".json", "application/json", JSON.stringify(current, null, 2)));
showHistory();

// Compare outlets: several articles of one story, lined up by the server (POST /v1/compare).
function showTab(name) {
  $("brief-view").hidden = name !== "brief"; $("compare-view").hidden = name !== "compare";
  $("tab-brief").setAttribute("aria-pressed", String(name === "brief"));
  $("tab-compare").setAttribute("aria-pressed", String(name === "compare"));
}
$("tab-brief").addEventListener("click", () => showTab("brief"));
$("tab-compare").addEventListener("click", () => showTab("compare"));

function compareInputs(text) {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  if (lines.length && lines.every((l) => /^[a-z]+:\/\/\S+$/i.test(l))) return lines.map((url) => ({ url }));
  return text.split(/^---\s*$/m).map((t) => t.trim()).filter(Boolean).map((t) => ({ text: t }));
}

function renderComparison(c) {
  const labels = c.articles.map((a) => a.label);
  $("compare-articles").replaceChildren(...c.articles.map((a) => {
    const li = el("li"); li.append(el("strong", a.label + " "), a.headline, el("span", " — " + (a.outlet || "unknown outlet"), "muted")); return li;
  }), ...(c.not_compared || []).map((n) => el("li", "Not compared: " + n.name + ": " + n.error, "error")));
  const head = el("tr"); head.append(el("th", ""), ...labels.map((l) => el("th", l)));
  $("compare-matrix").tHead.replaceChildren(head);
  const rows = [];
  const stance = el("tr", undefined, "stance-row"); stance.append(el("th", "stance"));
  labels.forEach((l) => {
    const cell = el("td"); const s = c.stance[l];
    cell.append(el("span", s.label, "label " + s.label));
    s.evidence.slice(0, 2).forEach((e) => cell.append(el("q", e.quote), el("span", " [" + e.paragraph + "]", "muted")));
    stance.append(cell);
  });
  rows.push(stance);
  c.figures.filter((f) => Object.keys(f.stated_in).length > 1).concat(c.figures.filter((f) => Object.keys(f.stated_in).length === 1)).slice(0, 40).forEach((f) => {
    const row = el("tr"); row.append(el("th", f.value));
    labels.forEach((l) => row.append(el("td", (f.stated_in[l] || []).join(", ") || "·")));
    if (Object.keys(f.stated_in).length > 1) row.className = "shared";
    rows.push(row);
  });
  $("compare-matrix").tBodies[0].replaceChildren(...rows);
  $("compare-shared").replaceChildren(...c.shared_claims.map((claim) => el("li", claim.mentions.map((m) => m.article + " [" + m.paragraph + "] " + m.text).join(" · "))));
  $("compare-only").replaceChildren(...labels.filter((l) => (c.only_in[l] || []).length).map((l) => {
    const box = el("section"); box.append(el("h3", "Only in " + l));
    const list = el("ul"); list.append(...c.only_in[l].map((m) => el("li", "[" + m.paragraph + "] " + m.text))); box.append(list); return box;
  }));
  $("comparison").hidden = false;
}

$("compare-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const articles = compareInputs($("compare-sources").value);
  if (articles.length < 2) { $("compare-status").textContent = "Give at least two articles."; return; }
  $("compare-submit").disabled = true; $("compare-status").className = "";
  $("compare-status").textContent = "Briefing " + articles.length + " articles… a local model takes minutes per article.";
  try {
    const body = { articles, model: $("model").value || null, target: $("compare-target").value.trim() || null };
    const response = await fetch("/v1/compare", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(body) });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error ? data.error.code + ": " + data.error.message : response.statusText);
    renderComparison(data);
    $("compare-status").textContent = "Done.";
  } catch (error) {
    $("compare-status").className = "error"; $("compare-status").textContent = String(error.message || error);
  } finally { $("compare-submit").disabled = false; }
});
$("file").addEventListener("change", (e) => { if (e.target.files[0]) readFile(e.target.files[0]); });
$("text").addEventListener("dragover", (e) => { e.preventDefault(); $("text").classList.add("drop"); });
$("text").addEventListener("dragleave", () => $("text").classList.remove("drop"));
$("text").addEventListener("drop", (e) => {
  e.preventDefault(); $("text").classList.remove("drop");
  if (e.dataTransfer.files[0]) readFile(e.dataTransfer.files[0]);
});
loadModels();
