// The packet editor, improved: the page works without this file (one form; every button
// saves everything typed, and the page comes back at the part acted on).
// - Each field is saved as it is left (the whole form, Accept: application/json); the bar says
//   已保存 and the time, or what went wrong; typed text is never replaced.
// - The other buttons (up, down, remove, undo, add, search) are sent in the background and the
//   page's content is replaced in place, the scroll position kept.
// - Leaving the page with unsaved text asks first.
document.addEventListener("DOMContentLoaded", function () {
  var page = document.getElementById("packet-page");
  if (!page || !window.fetch || !window.URLSearchParams) return;
  var dirty = {}; // field name -> true while typed and not yet saved
  var busy = Promise.resolve();

  function form() { return document.getElementById("editor"); }
  function status(text, kind) {
    var s = document.getElementById("save-status");
    if (!s) return;
    s.textContent = text;
    s.className = "status" + (kind ? " " + kind : "");
  }
  function base(name) {
    var f = form();
    return f && f.querySelector('input[type="hidden"][name="base:' + CSS.escape(name) + '"]');
  }
  function field(name) {
    var f = form();
    return f && f.querySelector('[data-field][name="' + CSS.escape(name) + '"]');
  }
  function fieldStatus(name, text) {
    var el = field(name);
    var box = el && el.closest(".note");
    var s = box && box.querySelector(".field-status");
    if (s) s.textContent = text;
  }
  function body(op) {
    var data = new URLSearchParams(new FormData(form()));
    data.set("op", op);
    return data;
  }
  function anyDirty() { return Object.keys(dirty).length > 0; }

  // Show the other version beside a field that clashed (the typed text stays in the box).
  function showConflict(c) {
    var el = field(c.key);
    if (!el) {
      status("“" + c.label + "”没有保存：这个案例已被移出案例包。请复制你写的内容：" + c.yours, "bad");
      return;
    }
    var label = el.closest(".field");
    if (label) label.classList.add("clash");
    var old = label && label.parentNode.querySelector('.conflict[data-key="' + CSS.escape(c.key) + '"]');
    if (old) old.remove();
    var div = document.createElement("div");
    div.className = "conflict";
    div.setAttribute("role", "alert");
    div.setAttribute("data-key", c.key);
    var p = document.createElement("p");
    p.textContent = "别人刚保存了另一个版本（下面）。框里是你写的，还没有保存；再保存一次就用你的文字，也可以先把两边合在一起。";
    var q = document.createElement("blockquote");
    q.textContent = c.theirs;
    div.appendChild(p);
    div.appendChild(q);
    var hidden = base(c.key);
    (hidden || label).insertAdjacentElement("afterend", div);
  }

  // Save everything typed; resolves when done (never rejects).
  function save() {
    var f = form();
    if (!f || !anyDirty()) return Promise.resolve(true);
    var sent = {};
    Object.keys(dirty).forEach(function (k) { var el = field(k); if (el) sent[k] = el.value; });
    status("正在保存…", "dirty");
    return fetch(f.action, {
      method: "POST",
      body: body("save"),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (r) {
      return r.json().then(function (a) { return { ok: r.ok, a: a }; });
    }).then(function (res) {
      var a = res.a;
      if (!res.ok) {
        status("没有保存：" + (a.message || "出错了") + "（你写的内容都还在）", "bad");
        return false;
      }
      var clashed = {};
      (a.conflicts || []).forEach(function (c) { clashed[c.key] = true; showConflict(c); });
      Object.keys(sent).forEach(function (k) {
        var el = field(k);
        var b = base(k);
        if (b && a.bases[k] !== undefined) b.value = a.bases[k];
        // Typed on while saving: still to be saved.
        if (el && el.value === sent[k] && !clashed[k]) {
          delete dirty[k];
          fieldStatus(k, "已保存");
        }
        if (clashed[k]) delete dirty[k];
      });
      if (a.conflicts && a.conflicts.length) {
        status("有 " + a.conflicts.length + " 处和别人的修改冲突，见下面标出的地方", "bad");
      } else {
        status("已保存 " + a.saved_at, "ok");
      }
      return true;
    }).catch(function () {
      status("没有保存：连不上服务（你写的内容都还在，稍后再试）", "bad");
      return false;
    });
  }
  function queueSave() {
    busy = busy.then(save);
    return busy;
  }

  // A button other than save: send it with everything typed, and show the page it leads to.
  function act(op) {
    var f = form();
    var y = window.scrollY;
    status("正在保存…", "dirty");
    busy = busy.then(function () {
      return fetch(f.action, { method: "POST", body: body(op), credentials: "same-origin" })
        .then(function (r) {
          return r.text().then(function (html) { return { r: r, html: html }; });
        })
        .then(function (res) {
          var doc = new DOMParser().parseFromString(res.html, "text/html");
          var next = doc.getElementById("packet-page");
          if (!next) {
            var msg = doc.querySelector("main");
            status("没有保存：" + (msg ? msg.textContent.trim().slice(0, 200) : res.r.status), "bad");
            return;
          }
          dirty = {};
          page.innerHTML = next.innerHTML;
          if (res.r.redirected) history.replaceState(null, "", res.r.url);
          window.scrollTo(0, y);
          var notice = page.querySelector(".notice .undo");
          if (notice) notice.focus({ preventScroll: true });
        })
        .catch(function () {
          status("没有保存：连不上服务（你写的内容都还在，稍后再试）", "bad");
        });
    });
  }

  page.addEventListener("input", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches("[data-field]")) return;
    dirty[t.name] = true;
    fieldStatus(t.name, "");
    status("有未保存的修改", "dirty");
  });
  page.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-field]")) queueSave();
  });
  page.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("#editor button[name=op]");
    if (!b) return;
    var op = b.value;
    var verb = op.split(":")[0];
    if (verb === "copy" || verb === "rename") {
      // These lead to another page; the form carries (and saves) everything typed.
      dirty = {};
      return;
    }
    e.preventDefault();
    if (verb === "save" || verb === "") {
      // Save now what was typed, even in the field still being typed in.
      queueSave();
      return;
    }
    act(op);
  });
  // Enter in the search box searches, in the id box adds (not the form's first button).
  page.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "Enter" || e.isComposing || !t.getAttribute) return;
    var what = t.getAttribute("data-enter");
    if (!what) return;
    e.preventDefault();
    act(what);
  });
  window.addEventListener("beforeunload", function (e) {
    if (anyDirty()) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
});
