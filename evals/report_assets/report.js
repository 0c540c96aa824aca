// The example matrix: rows are examples, columns are systems. Filters, search, and a detail
// view with the output's differences from the reference marked word by word.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("data").textContent);
  const table = document.getElementById("matrix");
  const controls = {
    task: document.getElementById("task"),
    dataset: document.getElementById("dataset"),
    failures: document.getElementById("failures"),
    disagree: document.getElementById("disagree"),
    search: document.getElementById("search"),
  };
  const datasets = [...new Set(data.rows.map((r) => r.dataset))];
  for (const name of datasets) {
    const option = document.createElement("option");
    option.textContent = name;
    controls.dataset.appendChild(option);
  }

  function colour(score) {
    // red (0) to green (1) through amber
    const hue = Math.round(Math.max(0, Math.min(1, score)) * 120);
    return `hsl(${hue}, 65%, 90%)`;
  }

  function disagrees(row) {
    const cells = data.columns.map((c) => row.cells[c]).filter(Boolean);
    if (cells.length < 2) return false;
    if (row.task === "stance") return new Set(cells.map((c) => c.label.split(" (")[0])).size > 1;
    const scores = cells.map((c) => (c.ok ? c.score : 0));
    return Math.max(...scores) - Math.min(...scores) >= 0.2 || new Set(cells.map((c) => c.ok)).size > 1;
  }

  function searchable(row) {
    const parts = [row.id, row.dataset];
    for (const cell of Object.values(row.cells)) {
      parts.push(cell.text || "", cell.source || "");
      for (const s of cell.segments || []) parts.push(s.source, s.reference);
    }
    return parts.join(" ").toLowerCase();
  }
  const haystacks = new Map(data.rows.map((row) => [row, searchable(row)]));

  function visible(row) {
    if (controls.task.value && row.task !== controls.task.value) return false;
    if (controls.dataset.value && row.dataset !== controls.dataset.value) return false;
    if (controls.failures.checked && !Object.values(row.cells).some((c) => !c.ok)) return false;
    if (controls.disagree.checked && !disagrees(row)) return false;
    const needle = controls.search.value.trim().toLowerCase();
    return !needle || haystacks.get(row).includes(needle);
  }

  function render() {
    table.textContent = "";
    const head = table.createTHead().insertRow();
    const corner = document.createElement("th");
    corner.textContent = "example";
    head.appendChild(corner);
    for (const column of data.columns) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = column;
      head.appendChild(th);
    }
    const body = table.createTBody();
    let shown = 0;
    for (const row of data.rows) {
      if (!visible(row)) continue;
      shown += 1;
      const tr = body.insertRow();
      tr.dataset.task = row.task;
      const th = document.createElement("th");
      th.scope = "row";
      th.innerHTML = `<span class="id"></span><span class="task"></span>`;
      th.querySelector(".id").textContent = row.id;
      th.querySelector(".task").textContent = `${row.task} · ${row.dataset}`;
      tr.appendChild(th);
      for (const column of data.columns) {
        const cell = row.cells[column];
        const td = tr.insertCell();
        if (!cell) continue;
        td.className = "cell" + (cell.ok ? "" : " failed");
        td.tabIndex = 0;
        td.style.background = colour(cell.ok ? cell.score : 0);
        td.innerHTML = `<span class="score"></span><span class="text"></span>`;
        td.querySelector(".score").textContent = cell.ok ? cell.label : "FAILED";
        td.querySelector(".text").textContent = cell.ok ? cell.text : cell.error || "";
        const open = () => showDetail(row, column, cell);
        td.addEventListener("click", open);
        td.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } });
      }
    }
    document.getElementById("count").textContent = `${shown} of ${data.rows.length} examples`;
  }

  // Word-level diff by longest common subsequence: what the output adds is <ins>, what it
  // leaves out of the reference is <del>.
  function diff(reference, output) {
    const a = reference.split(/(\s+)/).filter((w) => w.trim());
    const b = output.split(/(\s+)/).filter((w) => w.trim());
    if (a.length * b.length > 4000000) return escape(output);
    const n = a.length, m = b.length;
    const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i][j] = norm(a[i]) === norm(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    const out = [];
    let i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && norm(a[i]) === norm(b[j])) { out.push(escape(b[j])); i++; j++; }
      else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) { out.push(`<ins>${escape(b[j])}</ins>`); j++; }
      else { out.push(`<del>${escape(a[i])}</del>`); i++; }
    }
    return out.join(" ");
  }
  function norm(word) { return word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ""); }
  function escape(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }
  function flat(value) {
    if (!value) return "";
    if (typeof value === "string") return value;
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? "\n  - " + v.join("\n  - ") : v ?? ""}`)
      .join("\n");
  }

  function showDetail(row, column, cell) {
    const body = document.getElementById("detail-body");
    let html = `<h3>${escape(row.id)} · ${escape(row.task)} · ${escape(column)}</h3>`;
    html += `<p><strong>${escape(cell.ok ? cell.label : "FAILED")}</strong>`;
    if (cell.error) html += ` <span class="error">${escape(cell.error)}</span>`;
    html += "</p>";
    if (cell.segments) {
      html += `<div class="segment"><h4>source</h4><h4>reference</h4><h4>output (differences from the reference marked)</h4></div>`;
      for (const s of cell.segments) {
        html += `<div class="segment"><div>${escape(s.source)}</div><div>${escape(s.reference)}</div><div class="diff">${diff(s.reference, s.output)}</div></div>`;
      }
    } else {
      html += `<div class="detail-grid"><div><h4>source</h4><pre>${escape(cell.source || "")}</pre></div>`;
      html += `<div><h4>reference</h4><pre>${escape(flat(cell.reference))}</pre></div>`;
      html += `<div><h4>output (differences from the reference marked)</h4><pre class="diff">${diff(flat(cell.reference), flat(cell.output))}</pre></div></div>`;
    }
    body.innerHTML = html;
    const dialog = document.getElementById("detail");
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  }

  for (const control of Object.values(controls)) control.addEventListener("input", render);
  render();
})();
