/*
 * vnpos chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-key="KEY" data-lang="auto" async></script>
 * Plain JavaScript, no build step. Everything lives in a shadow root so the page's CSS
 * cannot reach it; everything from the server is rendered with textContent.
 */
(function () {
  "use strict";
  if (window.__vnposWidget) return;
  window.__vnposWidget = true;

  var STRINGS = {
    en: {
      title: "Ask about Vietnam's official positions", open: "Open the assistant",
      close: "Close", input: "Your question", placeholder: "Ask a question…", send: "Send",
      sources: "Sources", openSource: "Open the source", quote: "Quote",
      helpful: "Helpful", notHelpful: "Not helpful", thanks: "Thank you for your feedback.",
      thinking: "Searching the sources…", newChat: "New conversation", you: "You",
      assistant: "Assistant", source: "Source", glossary: "Glossary",
      machineTranslation: "Machine translation", officialTranslation: "Official translation", original: "Original",
      refused: "This website is not allowed to use this assistant.",
      unreachable: "The assistant cannot be reached. Check your connection and try again.",
      tooMany: "Too many questions at once. Please wait {s} s and try again.",
      invalid: "The question could not be sent.", starting: "The assistant is starting; try again in a few seconds.",
      failed: "Something went wrong. Please try again.", feedbackFailed: "Your feedback could not be sent."
    },
    vi: {
      title: "Hỏi về quan điểm chính thức của Việt Nam", open: "Mở trợ lý",
      close: "Đóng", input: "Câu hỏi của bạn", placeholder: "Đặt câu hỏi…", send: "Gửi",
      sources: "Nguồn", openSource: "Mở nguồn", quote: "Trích dẫn",
      helpful: "Hữu ích", notHelpful: "Không hữu ích", thanks: "Cảm ơn bạn đã góp ý.",
      thinking: "Đang tìm trong các nguồn…", newChat: "Cuộc trò chuyện mới", you: "Bạn",
      assistant: "Trợ lý", source: "Nguồn", glossary: "Thuật ngữ",
      machineTranslation: "Bản dịch máy", officialTranslation: "Bản dịch chính thức", original: "Bản gốc",
      refused: "Trang web này không được phép sử dụng trợ lý.",
      unreachable: "Không kết nối được với trợ lý. Hãy kiểm tra kết nối và thử lại.",
      tooMany: "Quá nhiều câu hỏi cùng lúc. Vui lòng đợi {s} giây rồi thử lại.",
      invalid: "Không gửi được câu hỏi.", starting: "Trợ lý đang khởi động; hãy thử lại sau vài giây.",
      failed: "Đã xảy ra lỗi. Vui lòng thử lại.", feedbackFailed: "Không gửi được góp ý."
    },
    fr: {
      title: "Questions sur les positions officielles du Viêt Nam", open: "Ouvrir l'assistant",
      close: "Fermer", input: "Votre question", placeholder: "Posez une question…", send: "Envoyer",
      sources: "Sources", openSource: "Ouvrir la source", quote: "Citation",
      helpful: "Utile", notHelpful: "Pas utile", thanks: "Merci pour votre avis.",
      thinking: "Recherche dans les sources…", newChat: "Nouvelle conversation", you: "Vous",
      assistant: "Assistant", source: "Source", glossary: "Glossaire",
      machineTranslation: "Traduction automatique", officialTranslation: "Traduction officielle", original: "Original",
      refused: "Ce site n'est pas autorisé à utiliser cet assistant.",
      unreachable: "L'assistant est injoignable. Vérifiez votre connexion et réessayez.",
      tooMany: "Trop de questions à la fois. Patientez {s} s puis réessayez.",
      invalid: "La question n'a pas pu être envoyée.", starting: "L'assistant démarre ; réessayez dans quelques secondes.",
      failed: "Une erreur s'est produite. Veuillez réessayer.", feedbackFailed: "Votre avis n'a pas pu être envoyé."
    },
    zh: {
      title: "咨询越南官方立场", open: "打开助手",
      close: "关闭", input: "您的问题", placeholder: "请输入问题…", send: "发送",
      sources: "来源", openSource: "打开来源", quote: "引文",
      helpful: "有帮助", notHelpful: "没有帮助", thanks: "感谢您的反馈。",
      thinking: "正在检索来源…", newChat: "新对话", you: "您",
      assistant: "助手", source: "来源", glossary: "术语表",
      machineTranslation: "机器翻译", officialTranslation: "官方译文", original: "原文",
      refused: "此网站无权使用该助手。",
      unreachable: "无法连接助手。请检查网络后重试。",
      tooMany: "提问过于频繁。请等待 {s} 秒后重试。",
      invalid: "问题无法发送。", starting: "助手正在启动，请几秒后重试。",
      failed: "出现错误，请重试。", feedbackFailed: "反馈发送失败。"
    },
    ru: {
      title: "Вопросы об официальной позиции Вьетнама", open: "Открыть помощника",
      close: "Закрыть", input: "Ваш вопрос", placeholder: "Задайте вопрос…", send: "Отправить",
      sources: "Источники", openSource: "Открыть источник", quote: "Цитата",
      helpful: "Полезно", notHelpful: "Бесполезно", thanks: "Спасибо за отзыв.",
      thinking: "Поиск по источникам…", newChat: "Новый разговор", you: "Вы",
      assistant: "Помощник", source: "Источник", glossary: "Глоссарий",
      machineTranslation: "Машинный перевод", officialTranslation: "Официальный перевод", original: "Оригинал",
      refused: "Этому сайту не разрешено использовать помощника.",
      unreachable: "Помощник недоступен. Проверьте соединение и повторите попытку.",
      tooMany: "Слишком много вопросов. Подождите {s} с и повторите попытку.",
      invalid: "Не удалось отправить вопрос.", starting: "Помощник запускается; повторите через несколько секунд.",
      failed: "Что-то пошло не так. Повторите попытку.", feedbackFailed: "Не удалось отправить отзыв."
    }
  };

  var CSS = [
    ":host { all: initial !important; display: block !important; position: fixed !important;",
    "  right: 16px !important; bottom: 16px !important; z-index: 2147483647 !important;",
    "  width: auto !important; height: auto !important; margin: 0 !important; padding: 0 !important;",
    "  border: 0 !important; background: transparent !important; }",
    "*, *::before, *::after { box-sizing: border-box; }",
    ".root { display: flex; flex-direction: column; align-items: flex-end; gap: 10px;",
    "  font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif;",
    "  color: #1f2328; text-align: left; direction: ltr; }",
    "button { display: inline-block; font: inherit; cursor: pointer; margin: 0; }",
    "button:focus-visible, textarea:focus-visible, summary:focus-visible, a:focus-visible {",
    "  outline: 3px solid #f0b429; outline-offset: 2px; }",
    ".launcher { display: block; width: 56px; height: 56px; border-radius: 50%; border: 0;",
    "  background: #b3261e; color: #fff; padding: 15px; box-shadow: 0 4px 14px rgba(0,0,0,.3); }",
    ".svg { display: block; width: 100%; height: 100%; fill: currentColor; }",
    ".panel { display: flex; flex-direction: column; width: min(380px, calc(100vw - 32px));",
    "  height: min(560px, calc(100vh - 100px)); background: #fff; border: 1px solid #d0d7de;",
    "  border-radius: 12px; box-shadow: 0 8px 28px rgba(0,0,0,.25); overflow: hidden; }",
    ".panel[hidden] { display: none; }",
    ".header { display: flex; align-items: center; gap: 6px; padding: 10px 12px;",
    "  background: #b3261e; color: #fff; }",
    ".title { display: block; flex: 1 1 auto; margin: 0; font-size: 15px; font-weight: 600;",
    "  color: #fff; }",
    ".icon { display: inline-block; border: 0; background: transparent; color: #fff;",
    "  font-size: 18px; padding: 2px 8px; border-radius: 6px; }",
    ".log { display: block; flex: 1 1 auto; overflow-y: auto; padding: 12px; margin: 0;",
    "  background: #f6f8fa; list-style: none; }",
    ".msg { display: block; margin: 0 0 12px; padding: 8px 10px; border-radius: 10px;",
    "  background: #fff; border: 1px solid #d8dee4; white-space: pre-wrap; word-wrap: break-word; }",
    ".msg.user { background: #fde8e7; border-color: #f3c4c1; margin-left: 24px; }",
    ".msg.notice { background: #fff8c5; border-color: #e9d16b; }",
    ".msg.error { background: #ffebe9; border-color: #ff8182; color: #82071e; }",
    ".who { display: block; font-size: 12px; font-weight: 600; color: #57606a; margin: 0 0 2px; }",
    ".text { display: block; color: #1f2328; }",
    ".muted { display: block; color: #57606a; font-style: italic; }",
    ".detail { display: block; font-size: 12px; color: #57606a; margin-top: 4px; }",
    ".ref { display: inline; border: 0; background: transparent; color: #0a58ca; padding: 0 1px;",
    "  text-decoration: underline; font-size: 0.9em; }",
    ".sources { display: block; margin: 8px 0 0; padding: 0; list-style: none; white-space: normal; }",
    ".sources-title { display: block; font-size: 12px; font-weight: 600; color: #57606a; margin: 8px 0 2px; }",
    ".source { display: block; margin: 4px 0; padding: 0; }",
    "details { display: block; border: 1px solid #d8dee4; border-radius: 8px; background: #f6f8fa; }",
    "summary { display: list-item; cursor: pointer; padding: 6px 8px; color: #0a58ca; }",
    ".meta { display: block; font-size: 12px; color: #57606a; }",
    ".glossary { display: block; margin: 2px 0 0 18px; font-size: 12px; color: #57606a; }",
    ".glossary b { font-weight: 600; }",
    ".translation { display: block; margin: 2px 0 0 18px; font-size: 13px; }",
    ".translation b { display: block; font-size: 12px; font-weight: 600; color: #57606a; }",
    "details b.original { display: block; font-size: 12px; font-weight: 600; color: #57606a; }",
    "blockquote { display: block; margin: 0; padding: 6px 10px; border-left: 3px solid #b3261e;",
    "  background: #fff; color: #1f2328; font-style: italic; white-space: pre-wrap; }",
    ".link { display: inline-block; margin: 6px 8px 8px; color: #0a58ca; }",
    ".rate { display: flex; gap: 6px; align-items: center; margin-top: 8px; white-space: normal; }",
    ".thumb { display: inline-block; width: 34px; height: 28px; border: 1px solid #d0d7de;",
    "  background: #fff; border-radius: 6px; padding: 5px 9px; color: #57606a; }",
    ".thumb[aria-pressed=true] { background: #ddf4ff; border-color: #0a58ca; }",
    ".thumb:disabled { cursor: default; opacity: .7; }",
    ".thanks { display: inline; font-size: 12px; color: #57606a; }",
    ".form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #d0d7de; background: #fff; margin: 0; }",
    "textarea { display: block; flex: 1 1 auto; min-width: 0; resize: none; font: inherit; color: #1f2328;",
    "  background: #fff; border: 1px solid #8c959f; border-radius: 8px; padding: 6px 8px; margin: 0; }",
    ".send { display: block; border: 0; border-radius: 8px; background: #b3261e; color: #fff; padding: 0 14px; }",
    ".send:disabled { opacity: .6; cursor: default; }"
  ].join("\n");

  var script = document.currentScript ||
    document.querySelector("script[src*='widget.js'][data-key]");
  var src = script && script.src ? script.src.split(/[?#]/)[0] : "";
  var BASE = src.slice(0, src.lastIndexOf("/"));
  var KEY = (script && script.getAttribute("data-key")) || "";
  var STORE_KEY = "vnpos-widget:" + BASE + ":" + KEY;
  var T = STRINGS[pickLanguage((script && script.getAttribute("data-lang")) || "auto")];

  function pickLanguage(wanted) {
    var lang = (wanted === "auto" ? (navigator.language || "en") : wanted).toLowerCase().slice(0, 2);
    return STRINGS[lang] ? lang : "en";
  }

  var ICONS = {
    chat: "M20 2H4c-1.1 0-2 .9-2 2v18l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2z",
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

  function load() {
    try { return JSON.parse(sessionStorage.getItem(STORE_KEY)) || { messages: [] }; }
    catch (e) { return { messages: [] }; }
  }

  function save() {
    state.messages = state.messages.slice(-40);
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* full or blocked */ }
  }

  var state = load();
  var host = el("div");
  host.setAttribute("data-vnpos-widget", "");
  var shadow = host.attachShadow({ mode: "open" });
  var style = el("style");
  style.textContent = CSS;
  var root = el("div", "root");
  var panel = el("section", "panel");
  panel.id = "vnpos-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", T.title);
  var header = el("div", "header");
  var title = el("h2", "title", T.title);
  var reset = el("button", "icon", "↺");
  reset.type = "button";
  reset.setAttribute("aria-label", T.newChat);
  reset.title = T.newChat;
  var close = el("button", "icon", "×");
  close.type = "button";
  close.setAttribute("aria-label", T.close);
  close.title = T.close;
  header.append(title, reset, close);
  var log = el("ol", "log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  var form = el("form", "form");
  var input = el("textarea");
  input.rows = 2;
  input.maxLength = 2000;
  input.placeholder = T.placeholder;
  input.setAttribute("aria-label", T.input);
  var send = el("button", "send", T.send);
  send.type = "submit";
  form.append(input, send);
  panel.append(header, log, form);
  var launcher = el("button", "launcher");
  launcher.append(icon("chat"));
  launcher.type = "button";
  launcher.setAttribute("aria-label", T.open);
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", panel.id);
  root.append(panel, launcher);
  shadow.append(style, root);

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? T.close : T.open);
    (open ? input : launcher).focus();
  }

  function bubble(kind, who) {
    var item = el("li", "msg " + kind);
    if (who) item.append(el("span", "who", who));
    log.append(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function showError(message, detail) {
    var item = bubble("error");
    item.setAttribute("role", "alert");
    item.append(el("span", "text", message));
    if (detail) item.append(el("span", "detail", detail));
  }

  function renderAnswer(item, answer) {
    var text = el("span", answer.answered ? "text" : "muted");
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
    if (answer.citations && answer.citations.length) {
      item.append(el("span", "sources-title", T.sources));
      var list = el("ol", "sources");
      answer.citations.forEach(function (c) { list.append(renderCitation(c, details)); });
      item.append(list);
    }
    if (answer.message_id) item.append(renderRating(answer));
  }

  function renderCitation(c, details) {
    var li = el("li", "source");
    var box = el("details");
    // An official edition is what the reader reads: its title and address; the original
    // it translates stays inside, on demand.
    var official = c.translation && c.translation.kind === "official" ? c.translation : null;
    var title = official && official.title ? official.title : c.title;
    var url = official && official.url ? official.url : c.url;
    var summary = el("summary", null, "[" + c.n + "] " + title);
    var meta = [c.publisher, c.published].filter(Boolean).join(" · ");
    if (meta) summary.append(el("span", "meta", meta));
    box.append(summary);
    if (official) box.append(el("b", "original", T.original));
    box.append(el("blockquote", null, c.quote));
    if (url && /^https?:\/\//i.test(url)) {
      var link = el("a", "link", T.openSource + " ↗");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      box.append(link);
    }
    details[String(c.n)] = box;
    li.append(box);
    if (c.translation) li.append(renderTranslation(c.translation));
    if (c.glossary && c.glossary.length) li.append(renderGlossary(c.glossary));
    return li;
  }

  function renderTranslation(t) {
    // Labelled by kind; the verbatim original stays in the quote above, on demand.
    var box = el("span", "translation");
    box.lang = t.language;
    box.append(el("b", null, t.kind === "official" ? T.officialTranslation : T.machineTranslation));
    box.append(document.createTextNode(t.text));
    return box;
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
    var up = el("button", "thumb");
    var down = el("button", "thumb");
    up.append(icon("up"));
    down.append(icon("down"));
    [[up, "up", T.helpful], [down, "down", T.notHelpful]].forEach(function (spec) {
      var button = spec[0];
      button.type = "button";
      button.setAttribute("aria-label", spec[2]);
      button.title = spec[2];
      button.setAttribute("aria-pressed", String(answer.rating === spec[1]));
      button.disabled = Boolean(answer.rating);
      button.addEventListener("click", function () { rate(answer, spec[1], up, down, row); });
    });
    row.append(up, down);
    if (answer.rating) row.append(el("span", "thanks", T.thanks));
    return row;
  }

  async function rate(answer, rating, up, down, row) {
    up.disabled = down.disabled = true;
    try {
      var response = await post("/api/feedback", { message_id: answer.message_id, rating: rating });
      if (!response.ok) throw await failure(response);
      answer.rating = rating;
      (rating === "up" ? up : down).setAttribute("aria-pressed", "true");
      row.append(el("span", "thanks", T.thanks));
      save();
    } catch (error) {
      up.disabled = down.disabled = false;
      var reason = await explain(error);
      showError(T.feedbackFailed + " " + reason.message, reason.detail);
    }
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
        : error.status === 429 ? T.tooMany.replace("{s}", error.retry)
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

  async function ask(question) {
    bubble("user", T.you).append(el("span", "text", question));
    state.messages.push({ role: "user", text: question });
    save();
    var item = bubble("bot", T.assistant);
    var text = el("span", "muted", T.thinking);
    item.append(text);
    var streamed = "";
    var body = { question: question };
    if (state.conversation_id) body.conversation_id = state.conversation_id;
    try {
      var response = await post("/api/ask/stream", body);
      if (!response.ok) throw await failure(response);
      await readEvents(response, function (event, data) {
        if (event === "delta") {
          if (!streamed) text.className = "text";
          streamed += data;
          text.textContent = streamed;
          log.scrollTop = log.scrollHeight;
        } else if (event === "done") {
          item.replaceChildren(el("span", "who", T.assistant));
          renderAnswer(item, data);
          state.conversation_id = data.conversation_id;
          state.messages.push({ role: "assistant", answer: data });
          save();
        } else if (event === "error") {
          throw { status: 500, detail: data };
        }
      });
    } catch (error) {
      item.remove();
      var reason = await explain(error);
      showError(reason.message, reason.detail);
    }
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
    log.replaceChildren();
    state.messages.forEach(function (m) {
      if (m.role === "user") bubble("user", T.you).append(el("span", "text", m.text));
      else renderAnswer(bubble("bot", T.assistant), m.answer);
    });
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
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question || send.disabled) return;
    input.value = "";
    send.disabled = true;
    try { await ask(question); } finally { send.disabled = false; input.focus(); }
  });

  restore();
  if (document.body) document.body.append(host);
  else document.addEventListener("DOMContentLoaded", function () { document.body.append(host); });
})();
