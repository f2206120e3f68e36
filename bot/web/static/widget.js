/*
 * vnpos chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-key="KEY" data-lang="auto" async></script>
 * Optional attributes: data-color (accent colour), data-position ("right" or "left"),
 * data-title (the panel's title). Plain JavaScript, no build step. Everything lives in a
 * shadow root so the page's CSS cannot reach it; everything from the server is rendered
 * with textContent. The server fills in the strings, styles and limits below.
 */
(function () {
  "use strict";
  if (window.__vnposWidget) return;
  window.__vnposWidget = true;

  var CATALOGUE = /*CATALOGUE*/{};
  var CSS = /*CSS*/"";
  var MAX_CHARS = /*MAX_QUESTION_CHARS*/2000;
  var RIGHT_TO_LEFT = ["ar", "fa", "he", "ur"];

  var script = document.currentScript ||
    document.querySelector("script[src*='widget.js'][data-key]");
  function option(name) { return (script && script.getAttribute("data-" + name)) || ""; }
  var src = script && script.src ? script.src.split(/[?#]/)[0] : "";
  var BASE = src.slice(0, src.lastIndexOf("/"));
  var KEY = option("key");
  var STORE_KEY = "vnpos-widget:" + BASE + ":" + KEY;
  var LANG = pickLanguage(option("lang") || "auto");
  var T = CATALOGUE[LANG] || CATALOGUE.en || {};

  function pickLanguage(wanted) {
    var lang = (wanted === "auto" ? (navigator.language || "en") : wanted).toLowerCase().slice(0, 2);
    return CATALOGUE[lang] ? lang : "en";
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  var ICONS = {
    chat: "M20 2H4c-1.1 0-2 .9-2 2v18l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2z",
    close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 " +
      "19 17.59 13.41 12z",
    up: "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 " +
      "7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23" +
      ".14-.47.14-.73v-2z",
    down: "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 " +
      "4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 " +
      "0v12h4V3h-4z"
  };

  function icon(name) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "svg");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function said(tag, className, text) {
    // Text of the reader or the sources may be in any script: its own direction decides.
    var node = el(tag, className, text);
    node.dir = "auto";
    return node;
  }

  function button(className, label, content) {
    var node = el("button", className);
    node.type = "button";
    if (content) node.append(content); else node.textContent = label;
    if (content) { node.setAttribute("aria-label", label); node.title = label; }
    return node;
  }

  function load() {
    try { return JSON.parse(sessionStorage.getItem(STORE_KEY)) || { messages: [] }; }
    catch (e) { return { messages: [] }; }
  }

  function save() {
    state.messages = state.messages.slice(-40);
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* full or blocked */ }
  }

  var state = load();
  var intro = { greeting: T.greeting, examples: T.examples || [] };
  var host = el("div");
  host.setAttribute("data-vnpos-widget", "");
  if (option("position") === "left") host.setAttribute("data-position", "left");
  if (option("color")) host.style.setProperty("--vnpos-accent", option("color"));
  var shadow = host.attachShadow({ mode: "open" });
  var style = el("style");
  style.textContent = CSS;
  var root = el("div", "root");
  root.dir = "ltr";
  var panel = el("section", "panel");
  panel.id = "vnpos-panel";
  panel.hidden = true;
  panel.lang = LANG;
  panel.dir = RIGHT_TO_LEFT.indexOf(LANG) >= 0 ? "rtl" : "ltr";
  panel.setAttribute("role", "dialog");
  var TITLE = option("title") || T.title;
  panel.setAttribute("aria-label", TITLE);
  var header = el("div", "header");
  var title = el("h2", "title", TITLE);
  var reset = button("icon", T.new_chat, document.createTextNode("↺"));
  var close = button("icon", T.close, icon("close"));
  header.append(title, reset, close);
  var log = el("div", "log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  var form = el("form", "form");
  var input = el("textarea");
  input.rows = 2;
  input.placeholder = T.placeholder;
  input.setAttribute("aria-label", T.input);
  var send = el("button", "send", T.send);
  send.type = "submit";
  var counter = el("span", "counter");
  counter.id = "vnpos-counter";
  counter.hidden = true;
  counter.setAttribute("aria-live", "polite");
  input.setAttribute("aria-describedby", counter.id);
  form.append(input, send, counter);
  panel.append(header, log, form);
  var launcher = el("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-controls", panel.id);
  root.append(panel, launcher);
  shadow.append(style, root);
  showLauncher(false);

  function showLauncher(open) {
    launcher.replaceChildren(icon(open ? "close" : "chat"));
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? T.close : T.open);
    launcher.title = open ? T.close : T.open;
  }

  var introLoaded = false;
  function setOpen(open) {
    panel.hidden = !open;
    if (open) host.setAttribute("data-open", ""); else host.removeAttribute("data-open");
    showLauncher(open);
    (open ? input : launcher).focus();
    if (open && log.lastElementChild) reveal(log.lastElementChild);
    if (open && !introLoaded) { introLoaded = true; loadIntro(); }
  }

  async function loadIntro() {
    // The key's own greeting and examples; the catalogue's stay if the server is away.
    try {
      var response = await fetch(BASE + "/api/widget/intro?lang=" + encodeURIComponent(LANG),
                                 { headers: KEY ? { "X-Widget-Key": KEY } : {} });
      if (!response.ok) return;
      intro = await response.json();
      // In place: a question asked while the intro loaded is on the log, not yet in state.
      var shown = log.querySelector(".msg.greeting");
      if (shown) shown.replaceWith(greeting());
    } catch (e) { /* shown when a question is asked */ }
  }

  function bubble(kind, who) {
    var item = el("div", "msg " + kind);
    if (who) item.append(el("span", "who", who));
    log.append(item);
    return item;
  }

  function reveal(item) {
    // Show the start of the newest message: a long answer is read from its top.
    log.scrollTop = Math.max(0, item.offsetTop - 8);
  }

  function greeting() {
    var item = el("div", "msg bot greeting");
    item.append(el("span", "who", T.assistant), el("span", "text", intro.greeting));
    if (intro.examples && intro.examples.length) {
      item.append(el("span", "examples-title", T.examples_title));
      var list = el("ul", "examples");
      intro.examples.forEach(function (question) {
        var li = el("li");
        var example = button("example", question);
        example.addEventListener("click", function () { submit(question); });
        li.append(example);
        list.append(li);
      });
      item.append(list);
    }
    return item;
  }

  function showError(message, detail, retry) {
    var item = bubble("error");
    item.setAttribute("role", "alert");
    item.append(el("span", "text", message));
    if (detail) item.append(el("span", "detail", detail));
    if (retry) {
      var again = button("secondary", T.retry);
      again.addEventListener("click", function () { item.remove(); retry(); });
      item.append(again);
    }
    reveal(item);
  }

  function renderAnswer(item, answer) {
    var text = said("span", answer.answered ? "text" : "muted");
    var details = {};
    answer.answer.split(/(\[\d+\])/).forEach(function (part) {
      var match = /^\[(\d+)\]$/.exec(part);
      if (!match) { text.append(document.createTextNode(part)); return; }
      var ref = el("button", "ref", part);
      ref.type = "button";
      ref.setAttribute("aria-label", T.source + " " + match[1]);
      ref.addEventListener("click", function () {
        var target = details[match[1]];
        if (target) { target.open = true; target.querySelector("summary").focus(); }
      });
      text.append(ref);
    });
    item.append(text);
    var groups = byDocument(answer.citations || []);
    if (groups.length) {
      item.append(el("span", "sources-title", T.sources));
      var list = el("ol", "sources");
      groups.forEach(function (group) { list.append(renderSource(group, details)); });
      item.append(list);
    }
    if (answer.message_id) item.append(renderRating(answer));
  }

  function byDocument(citations) {
    // Several quotes from one document share one entry: its title is shown once.
    var groups = [];
    var seen = {};
    citations.forEach(function (c) {
      var id = c.doc_id || c.source || String(c.n);
      if (!seen[id]) { seen[id] = []; groups.push(seen[id]); }
      seen[id].push(c);
    });
    return groups;
  }

  function renderSource(group, details) {
    var first = group[0];
    var li = el("li", "source");
    var box = el("details");
    // An official edition is what the reader reads: its title and address; the original
    // it translates stays inside, on demand.
    var official = first.translation && first.translation.kind === "official" ? first.translation : null;
    var title = official && official.title ? official.title : first.title;
    var url = official && official.url ? official.url : first.url;
    var numbers = group.map(function (c) { return "[" + c.n + "]"; }).join("");
    var summary = said("summary", null, numbers + " " + title);
    var meta = [first.publisher, first.published].filter(Boolean).join(" · ");
    if (!/^https?:\/\//i.test(url || "")) {
      url = "";
      meta = [meta, fill(T.document, { id: first.source || first.doc_id })].filter(Boolean).join(" · ");
    }
    if (meta) summary.append(el("span", "meta", meta));
    box.append(summary);
    if (official) box.append(el("b", "original", T.original));
    group.forEach(function (c) {
      var quote = el("span", "quote");
      if (group.length > 1) quote.append(el("span", "quote-n", "[" + c.n + "]"));
      quote.append(said("blockquote", null, c.quote));
      box.append(quote);
      details[String(c.n)] = box;
    });
    if (url) {
      var link = el("a", "link", T.open_source + " ↗");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      box.append(link);
    }
    li.append(box);
    group.forEach(function (c) { if (c.translation) li.append(renderTranslation(c, group.length > 1)); });
    var terms = glossary(group);
    if (terms.length) li.append(renderGlossary(terms));
    return li;
  }

  function renderTranslation(c, numbered) {
    // Labelled by kind; the verbatim original stays in the quote above, on demand.
    var t = c.translation;
    var box = el("span", "translation");
    box.lang = t.language;
    var label = t.kind === "official" ? T.official_translation : T.machine_translation;
    box.append(el("b", null, (numbered ? "[" + c.n + "] " : "") + label));
    box.append(document.createTextNode(t.text));
    return box;
  }

  function glossary(group) {
    var terms = [];
    var seen = {};
    group.forEach(function (c) {
      (c.glossary || []).forEach(function (g) {
        if (!seen[g.term]) { seen[g.term] = true; terms.push(g); }
      });
    });
    return terms;
  }

  function renderGlossary(terms) {
    // Official translations from the glossary, kept apart from the verbatim quote.
    var box = el("span", "glossary");
    box.append(el("b", null, T.glossary + ": "));
    terms.forEach(function (g, i) {
      if (i) box.append(document.createTextNode("; "));
      box.append(document.createTextNode(g.term + " — " + g.translation));
    });
    box.title = terms.map(function (g) { return g.source; }).filter(function (v, i, a) {
      return a.indexOf(v) === i;
    }).join("; ");
    return box;
  }

  function renderRating(answer) {
    var row = el("div", "rate");
    var up = button("thumb", T.helpful, icon("up"));
    var down = button("thumb", T.not_helpful, icon("down"));
    [[up, "up"], [down, "down"]].forEach(function (spec) {
      spec[0].setAttribute("aria-pressed", String(answer.rating === spec[1]));
      spec[0].disabled = Boolean(answer.rating);
      spec[0].addEventListener("click", function () { rate(answer, spec[1], up, down, row); });
    });
    row.append(up, down);
    if (answer.rating) row.append(el("span", "thanks", answer.commented ? T.comment_thanks : T.thanks));
    return row;
  }

  async function rate(answer, rating, up, down, row) {
    up.disabled = down.disabled = true;
    try {
      await sendFeedback({ message_id: answer.message_id, rating: rating });
      answer.rating = rating;
      (rating === "up" ? up : down).setAttribute("aria-pressed", "true");
      row.append(el("span", "thanks", T.thanks));
      save();
      if (rating === "down") row.append(renderComment(answer, row));
    } catch (error) {
      up.disabled = down.disabled = false;
      var reason = await explain(error);
      showError(T.feedback_failed + " " + reason.message, reason.detail);
    }
  }

  function renderComment(answer, row) {
    // A 👎 says little on its own: ask what was wrong, without insisting.
    var box = el("div", "comment");
    var label = el("label", null, T.comment_prompt);
    var field = el("textarea");
    field.rows = 2;
    field.maxLength = 2000;
    field.id = "vnpos-comment-" + answer.message_id;
    label.htmlFor = field.id;
    var submitComment = button("secondary", T.comment_send);
    submitComment.addEventListener("click", async function () {
      var comment = field.value.trim();
      if (!comment) { field.focus(); return; }
      submitComment.disabled = true;
      try {
        await sendFeedback({ message_id: answer.message_id, rating: "down", comment: comment });
        answer.commented = true;
        save();
        row.querySelector(".thanks").textContent = T.comment_thanks;
        box.remove();
      } catch (error) {
        submitComment.disabled = false;
        var reason = await explain(error);
        showError(T.feedback_failed + " " + reason.message, reason.detail);
      }
    });
    box.append(label, field, submitComment);
    setTimeout(function () { field.focus(); }, 0);
    return box;
  }

  async function sendFeedback(body) {
    var response = await post("/api/feedback", body);
    if (!response.ok) throw await failure(response);
  }

  function post(path, body) {
    var headers = { "Content-Type": "application/json" };
    if (KEY) headers["X-Widget-Key"] = KEY;
    return fetch(BASE + path, { method: "POST", headers: headers, body: JSON.stringify(body) });
  }

  async function failure(response) {
    var detail = "";
    try { detail = (await response.json()).detail; } catch (e) { /* not JSON */ }
    return { status: response.status, detail: typeof detail === "string" ? detail : "",
             retry: response.headers.get("Retry-After") || "10" };
  }

  async function explain(error) {
    if (error && error.status) {
      var message = error.status === 403 ? T.refused
        : error.status === 429 ? fill(T.too_many, { s: error.retry })
        : error.status === 503 ? T.starting
        : error.status === 413 || error.status === 422 ? T.invalid : T.failed;
      return { message: message, detail: error.detail };
    }
    // A network error hides the cause; the server answering a no-cors probe means it is up
    // and refused this page's origin (CORS), otherwise it is unreachable.
    try {
      await fetch(BASE + "/healthz", { mode: "no-cors", cache: "no-store" });
      return { message: T.refused, detail: location.origin };
    } catch (e) {
      return { message: T.unreachable, detail: "" };
    }
  }

  function typing(item) {
    var box = el("span", "typing");
    var dots = el("span", "dots");
    dots.setAttribute("aria-hidden", "true");
    dots.append(el("span"), el("span"), el("span"));
    var status = el("span", null, T.thinking);
    box.append(dots, status);
    item.append(box);
    return status;
  }

  async function ask(question, again) {
    if (!again) reveal(bubbleText("user", T.you, question));
    var item = bubble("bot", T.assistant);
    var status = typing(item);
    reveal(item);
    var streamed = null;
    var body = { question: question };
    if (state.conversation_id) body.conversation_id = state.conversation_id;
    try {
      var response = await post("/api/ask/stream", body);
      if (!response.ok) throw await failure(response);
      await readEvents(response, function (event, data) {
        if (event === "status" && data.stage === "answering" && data.sources) {
          status.textContent = fill(T.reading, { n: data.sources });
        } else if (event === "delta") {
          if (!streamed) {
            streamed = said("span", "text");
            item.replaceChildren(el("span", "who", T.assistant), streamed);
          }
          streamed.textContent += data;
        } else if (event === "done") {
          item.replaceChildren(el("span", "who", T.assistant));
          renderAnswer(item, data);
          state.conversation_id = data.conversation_id;
          state.messages.push({ role: "user", text: question }, { role: "assistant", answer: data });
          save();
          reveal(item);
        } else if (event === "error") {
          throw { status: 500, detail: data };
        }
      });
    } catch (error) {
      item.remove();
      // The question stays: in the conversation, in the box, and one click from a retry.
      if (!input.value.trim()) { input.value = question; count(); }
      var reason = await explain(error);
      showError(reason.message, reason.detail, function () {
        if (input.value.trim() === question) { input.value = ""; count(); }
        run(function () { return ask(question, true); });
      });
    }
  }

  function bubbleText(kind, who, text) {
    var item = bubble(kind, who);
    item.append(said("span", "text", text));
    return item;
  }

  async function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    for (;;) {
      var chunk = await reader.read();
      buffer += decoder.decode(chunk.value || new Uint8Array(), { stream: !chunk.done });
      var blocks = buffer.split(/\r?\n\r?\n/);
      buffer = chunk.done ? "" : blocks.pop();
      blocks.forEach(function (block) {
        var event = "message";
        var data = [];
        block.split(/\r?\n/).forEach(function (line) {
          if (line.indexOf("event:") === 0) event = line.slice(6).trim();
          else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
        });
        if (data.length) onEvent(event, JSON.parse(data.join("\n")));
      });
      if (chunk.done) return;
    }
  }

  function restore() {
    log.replaceChildren(greeting());
    state.messages.forEach(function (m) {
      if (m.role === "user") bubbleText("user", T.you, m.text);
      else renderAnswer(bubble("bot", T.assistant), m.answer);
    });
    var last = log.lastElementChild;
    if (last) reveal(last);
  }

  function count() {
    // Long questions are refused, not cut: the reader sees how much to shorten.
    var n = input.value.length;
    var over = n > MAX_CHARS;
    counter.hidden = n < MAX_CHARS * 0.8;
    counter.className = over ? "counter over" : "counter";
    counter.textContent = fill(over ? T.too_long : T.characters, { n: n, max: MAX_CHARS });
    send.disabled = busy || over;
  }

  var busy = false;
  async function run(job) {
    busy = true;
    count();
    try { await job(); } finally { busy = false; count(); input.focus(); }
  }

  function submit(question) {
    if (!question || busy || question.length > MAX_CHARS) return;
    run(function () { return ask(question, false); });
  }

  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  reset.addEventListener("click", function () {
    state = { messages: [] };
    save();
    restore();
    input.focus();
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); setOpen(false); }
  });
  input.addEventListener("input", count);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question || busy || question.length > MAX_CHARS) return;
    input.value = "";
    count();
    submit(question);
  });

  restore();
  if (document.body) document.body.append(host);
  else document.addEventListener("DOMContentLoaded", function () { document.body.append(host); });
})();
