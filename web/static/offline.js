// Offline capture: "Log a need" and a project's "Consent at the door" keep working with no
// signal (any form marked data-offline, sent to its data-sync address). A need that cannot be sent
// waits in IndexedDB with its own Idempotency-Key and the time it was captured, and is sent
// as soon as a page of the service is open with a signal (page load, "online", the page shown
// again) — not by Background Sync, which phones do not all run. The server keeps one need per
// key, so sending again is harmless; an item leaves the queue only on a definitive answer.
(function () {
  "use strict";

  var DB_NAME = "needs-offline";
  var STORE = "needs";
  var ENDPOINT = "/sync/needs";
  var HEADERS = { "Content-Type": "application/json", "X-Requested-With": "needs-offline" };
  var PATIENCE_MS = 15000; // a send still unanswered after this is treated as failed
  var RETRY_MS = 30000; // while needs wait, try again this often with the page open

  if (!("indexedDB" in window)) return;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }

  // --- the queue ---------------------------------------------------------------------------

  var opening = null;
  function db() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "key" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opening;
  }

  function run(mode, work) {
    return db().then(function (base) {
      return new Promise(function (resolve, reject) {
        var tx = base.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function all() {
    return run("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.occurred_at < b.occurred_at ? -1 : 1; });
    });
  }
  function put(item) { return run("readwrite", function (store) { store.put(item); }); }
  function remove(key) { return run("readwrite", function (store) { store.delete(key); }); }

  // --- what the person sees ------------------------------------------------------------------

  var status = null;
  var notice = null; // the last thing worth saying: [kind, text]

  function say(name, values) {
    var text = (status && status.getAttribute("data-" + name)) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(String(values[key]));
    });
    return text;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function when(item) {
    var lang = (status && status.getAttribute("data-lang")) || undefined;
    try {
      return new Date(item.occurred_at).toLocaleString(lang, { timeZone: "Asia/Shanghai" });
    } catch (error) {
      return item.occurred_at;
    }
  }

  function line(item) {
    var fields = item.fields || {};
    var where = [fields.building, fields.unit, fields.room].filter(Boolean).join(" ");
    var node = element("li", "card waiting-need");
    node.setAttribute("data-key", item.key);
    node.appendChild(element("span", "card-line", item.label || fields.category || ""));
    if (where) node.appendChild(element("span", "card-line", where));
    node.appendChild(element("span", "card-line", (fields.description || "").slice(0, 80)));
    node.appendChild(element("span", "card-line hint", say("captured", { time: when(item) })));
    return node;
  }

  function show() {
    if (!status) return Promise.resolve();
    return all().then(function (items) {
      var me = status.getAttribute("data-user") || "";
      var waiting = items.filter(function (item) { return item.state !== "refused"; });
      var refused = items.filter(function (item) { return item.state === "refused"; });
      status.textContent = "";
      if (notice) status.appendChild(element("p", "flash " + notice[0], notice[1]));
      if (waiting.length) {
        if (!me || signedOut) {
          var signIn = element("a", "button primary", say("sign-in", { count: waiting.length }));
          signIn.href = status.getAttribute("data-sign-in-url");
          status.appendChild(signIn);
        }
        var heading = element("h2", null, say("waiting", { count: waiting.length }));
        status.appendChild(heading);
        var list = element("ul", "cards");
        waiting.forEach(function (item) {
          var node = line(item);
          if (me && item.user !== me) {
            node.appendChild(element("span", "card-line hint", say("other", { name: item.user })));
          }
          list.appendChild(node);
        });
        status.appendChild(list);
      }
      refused.forEach(function (item) {
        var box = element("div", "flash error refused-need");
        box.setAttribute("data-key", item.key);
        box.appendChild(element("p", null, say("refused") + " " + (item.reason || "")));
        box.appendChild(line(item));
        var dismiss = element("button", "quiet", say("dismiss"));
        dismiss.type = "button";
        dismiss.addEventListener("click", function () { remove(item.key).then(show); });
        box.appendChild(dismiss);
        status.appendChild(box);
      });
      status.hidden = !status.firstChild;
    });
  }

  // --- sending -------------------------------------------------------------------------------

  var sending = null;
  var signedOut = false;

  function post(item, flash) {
    var controller = "AbortController" in window ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, PATIENCE_MS);
    return fetch((item.endpoint || ENDPOINT) + (flash ? "?flash=1" : ""), {
      method: "POST",
      credentials: "same-origin",
      headers: Object.assign({ "Idempotency-Key": item.key }, HEADERS),
      body: JSON.stringify({
        fields: item.fields,
        occurred_at: item.occurred_at,
        captured_by: item.user,
      }),
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        clearTimeout(timer);
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { status: response.status, body: body || {} };
        });
      }, function (error) {
        clearTimeout(timer);
        throw error;
      });
  }

  // Whether an answer is final: the need is logged, or it never will be as sent.
  function settled(answer) {
    if (answer.status === 201 || answer.status === 200) return "sent";
    if (answer.status === 401) return "signed-out";
    if (answer.status === 409 && answer.body.error === "other_user") return "other";
    if (answer.status === 429 || answer.status === 408) return "later";
    if (answer.status >= 400 && answer.status < 500 && answer.body.error) return "refused";
    return "later"; // a server error, or no answer from this service (a portal, a proxy)
  }

  function sendWaiting() {
    if (sending) return sending;
    if (navigator.onLine === false) return show();
    if (status && !status.getAttribute("data-user")) { signedOut = true; return show(); }
    sending = all()
      .then(function (items) {
        var me = status ? status.getAttribute("data-user") || "" : "";
        var queue = items.filter(function (item) {
          return item.state !== "refused" && (!me || item.user === me);
        });
        var sent = 0;
        var answers = 0; // of them, households' answers (a door page's), not needs
        function next(index) {
          if (index >= queue.length) return sent;
          var item = queue[index];
          return post(item, false).then(function (answer) {
            var outcome = settled(answer);
            if (outcome === "sent") {
              sent += 1;
              if (item.endpoint && item.endpoint !== ENDPOINT) answers += 1;
              return remove(item.key).then(function () { return next(index + 1); });
            }
            if (outcome === "signed-out") { signedOut = true; return sent; }
            if (outcome === "refused") {
              item.state = "refused";
              item.reason = answer.body.message || "";
              return put(item).then(function () { return next(index + 1); });
            }
            if (outcome === "other") return next(index + 1);
            return sent; // try again later
          }, function () { return sent; }); // no signal after all
        }
        return Promise.resolve(next(0)).then(function (total) { return { needs: total - answers, answers: answers }; });
      })
      .then(function (sent) {
        if (sent.needs || sent.answers) {
          signedOut = false;
          var words = [];
          if (sent.needs) words.push(say("sent", { count: sent.needs }));
          if (sent.answers) words.push(say("sent-answers", { count: sent.answers }));
          notice = ["ok", words.join(" ")];
        }
      })
      .catch(function () {})
      .then(function () { sending = null; return show(); });
    return sending;
  }

  // --- capture ---------------------------------------------------------------------------------

  function fieldsOf(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "key" || typeof value !== "string") return;
      fields[name] = value;
    });
    return fields;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function enableButtons(form) {
    setTimeout(function () {
      form.querySelectorAll("button[disabled]").forEach(function (b) { b.disabled = false; });
    }, 0);
  }

  // What a waiting item says: a need its category; another form the tiles chosen on it.
  function labelOf(form) {
    var chosen = form.querySelectorAll(
      form.id === "log-need" ? "input[name=category]:checked" : "input[type=radio]:checked"
    );
    return Array.prototype.map.call(chosen, function (input) {
      return input.closest("label") ? input.closest("label").textContent : "";
    }).join(" · ");
  }

  function capture(form) {
    var native = false;
    form.addEventListener("submit", function (event) {
      if (native) return;
      event.preventDefault();
      var label = labelOf(form);
      var item = {
        endpoint: form.getAttribute("data-sync") || ENDPOINT,
        key: newKey(),
        occurred_at: new Date().toISOString(),
        user: status ? status.getAttribute("data-user") || "" : "",
        fields: fieldsOf(form),
        label: label.replace(/\s+/g, " ").trim(),
        state: "waiting",
      };
      function keep() {
        return put(item).then(function () {
          form.reset();
          notice = ["ok", say("saved")];
          enableButtons(form);
          return show();
        });
      }
      if (navigator.onLine === false) { keep(); return; }
      post(item, true).then(function (answer) {
        var outcome = settled(answer);
        if (outcome === "sent") { window.location.assign(answer.body.url); return; }
        if (outcome === "signed-out") { signedOut = true; keep(); return; }
        if (outcome === "later") { keep(); return; }
        // Refused as sent (a missing answer, a building not in the block): the form itself
        // shows why, keeping what was typed.
        native = true;
        form.submit();
      }, keep);
    });
  }

  // A leader is signed in: the worker keeps "Log a need" now, before the signal goes.
  function keepPage() {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker && status && status.getAttribute("data-keep")) worker.postMessage("keep-page");
  }

  function start() {
    status = document.getElementById("offline-status");
    var form = document.getElementById("log-need");
    if (form) capture(form);
    document.querySelectorAll("form[data-offline]").forEach(capture);
    document.querySelectorAll('form[action$="/sign-out"]').forEach(function (out) {
      out.addEventListener("submit", function () {
        var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
        if (worker) worker.postMessage("signed-out");
      });
    });
    keepPage();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("controllerchange", keepPage);
    }
    sendWaiting();
    setInterval(function () {
      if (document.visibilityState === "visible") sendWaiting();
    }, RETRY_MS);
  }

  window.addEventListener("online", sendWaiting);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sendWaiting();
  });
  window.addEventListener("pageshow", function (event) { if (event.persisted) sendWaiting(); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
