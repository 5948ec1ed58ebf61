/* Focus and chat modes: one question at a time over the step's own form (entries/_step.html,
 * wrapped by entries/modes/focus_step.html or chat_step.html).
 *
 * The server contract stays the step submit: this script only shows, hides and moves focus, and
 * continuing from a step's last question submits the whole step as the card does. So branching,
 * recall, validation errors, resume and embeds work unchanged, and runtime.js records the same
 * focus, change and time events from the same fields. Without it the server shows the step one
 * question per page (entries/modes.py): a page loaded that way (a reload) is taken whole here, as
 * the page's other questions are in the form, hidden, with their answers.
 *
 * Keys: A, B, C… pick a choice, Enter continues (Shift+Enter is a new line in long text),
 * ↑/↓ move between the step's questions. A single-choice answer continues by itself, except
 * when it was changed with the arrow keys (those walk the choices).
 * Chat: each question is a message from the persona in a role="log" region; answers appear as
 * the visitor's bubbles, each with an Edit button that goes back to its question. Messages are
 * appended, never re-rendered, so a screen reader reads each once. The earlier steps' messages
 * come from the server (entries/modes/_chat_history.html), outside the log, so a reload or a
 * resume keeps them and they are not read again. */
(function () {
  "use strict";

  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var ADVANCE_AFTER_MS = 350;
  var TYPING_MS = 700;
  var motion = !(window.matchMedia &&
    window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  var state = null;
  var arrowed = false;

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function choices(question) { return all(question, "input[type=radio], input[type=checkbox]"); }

  function textOf(node) { return node ? node.textContent.replace(/\s+/g, " ").trim() : ""; }

  function askOf(question) {
    return textOf(question.querySelector(".rt-label, .rt-statement, .rt-consent label"));
  }

  function answerOf(question) {
    var checked = all(question, "input:checked");
    if (checked.length) {
      return checked.map(function (input) {
        return textOf(input.labels && input.labels[0]) || input.value;
      }).join(", ");
    }
    var select = question.querySelector("select");
    if (select) return select.value ? textOf(select.options[select.selectedIndex]) : "";
    var file = question.querySelector("input[type=file]");
    if (file) return file.files && file.files.length ? file.files[0].name : "";
    var field = question.querySelector("textarea, input.rt-input");
    return field ? field.value.trim() : "";
  }

  function isStatement(question) { return !question.querySelector("input, select, textarea"); }

  function controlOf(question) {
    return question.querySelector('[aria-invalid="true"]') ||
      question.querySelector("input:checked") ||
      question.querySelector("input:not([type=hidden]), select, textarea");
  }

  function focusQuestion(question) {
    var control = controlOf(question);
    if (control) {
      control.focus();
    } else {
      question.tabIndex = -1;
      question.focus();
    }
  }

  /* --- one question at a time ---------------------------------------------------------- */

  function setUp(root) {
    var form = root.querySelector("form[data-step]");
    var questions = form ? all(form, ".rt-question") : [];
    if (!questions.length) return null;
    var primary = form.querySelector(".rt-actions .rt-btn-primary");
    // A page of the step as the server shows it without JavaScript: here the step goes whole.
    var part = form.querySelector('input[name="part"]');
    if (part) part.remove();
    var s = { root: root, form: form, questions: questions, index: -1, mode: root.dataset.mode,
      primary: primary, button: primary.innerHTML, busy: false, timer: null,
      back: form.querySelector('.rt-actions .rt-btn[value="back"]') };
    form.classList.add("is-stepped");
    if (!s.back) {
      // The first step has no server Back: a button of our own returns to the previous question.
      s.previous = el("button", "rt-btn rt-btn-ghost", root.dataset.labelPrevious);
      s.previous.type = "button";
      s.previous.dataset.previous = "";
      primary.parentNode.insertBefore(s.previous, primary);
    }
    questions.forEach(function (question) {
      choices(question).forEach(function (input, n) {
        var label = input.labels && input.labels[0];
        if (label && n < LETTERS.length) {
          var key = el("span", "rt-key", LETTERS[n]);
          key.setAttribute("aria-hidden", "true");
          // After the box in a choice's label; before the text of a consent's separate label.
          if (label.contains(input)) label.insertBefore(key, input.nextSibling);
          else label.insertBefore(key, label.firstChild);
        }
      });
    });
    return s;
  }

  function show(index, entering) {
    var s = state;
    s.index = index;
    s.questions.forEach(function (question, n) {
      question.hidden = n !== index;
      question.classList.remove("rt-enter", "rt-enter--back");
    });
    var current = s.questions[index];
    if (entering && motion) {
      void current.offsetWidth;  // restart the animation
      current.classList.add(entering === "back" ? "rt-enter--back" : "rt-enter");
    }
    label(index);
    focusQuestion(current);
  }

  function label(index) {
    var s = state;
    var last = index === s.questions.length - 1;
    s.primary.innerHTML = last ? s.button : "";
    if (!last) {
      s.primary.textContent = s.root.dataset.labelOk + " ";
      var arrow = el("span", "", "↓");
      arrow.setAttribute("aria-hidden", "true");
      s.primary.appendChild(arrow);
    }
    if (s.previous) s.previous.hidden = index === 0;
  }

  function submitStep() {
    // The capture listener below lets it through.
    state.form.requestSubmit(state.primary);
  }

  function proceed() {
    var s = state;
    if (!s || s.busy) return;
    clearTimeout(s.timer);
    if (s.index < s.questions.length - 1) {
      if (s.mode === "chat") answered(s.index);
      go(s.index + 1);
    } else {
      submitStep();
    }
  }

  function go(index) {
    var s = state;
    if (index < 0 || index >= s.questions.length || index === s.index) return;
    clearTimeout(s.timer);
    if (s.mode !== "chat") {
      show(index, index > s.index ? "forward" : "back");
    } else if (index < s.index) {
      reopen(index);
    } else {
      ask(index);
    }
  }

  /* --- chat ------------------------------------------------------------------------------ */

  function message(who, index, text) {
    var bubble = el("div", "rt-msg rt-msg--" + who);
    bubble.dataset.question = index;
    if (who === "me") {
      var you = el("span", "visually-hidden", state.root.dataset.labelYou + ": ");
      bubble.appendChild(you);
      bubble.appendChild(el("span", text ? "" : "rt-msg-skipped",
        text || state.root.dataset.labelSkipped));
      var edit = el("button", "rt-edit", state.root.dataset.labelEdit);
      edit.type = "button";
      edit.dataset.edit = index;
      edit.appendChild(el("span", "visually-hidden", ": " + askOf(state.questions[index])));
      bubble.appendChild(edit);
    } else {
      bubble.appendChild(el("span", "", text));
    }
    return bubble;
  }

  function answered(index) {
    if (!isStatement(state.questions[index])) {
      state.log.appendChild(message("me", index, answerOf(state.questions[index])));
    }
    scrollLog();
  }

  function ask(index, atOnce) {
    var s = state;
    s.busy = true;
    s.questions.forEach(function (question) { question.hidden = true; });
    label(index);
    function asked() {
      s.typing.hidden = true;
      s.busy = false;
      s.log.appendChild(message("bot", index, askOf(s.questions[index])));
      show(index, atOnce ? false : "forward");
      scrollLog();
      // A statement asks nothing: the persona goes straight on to the next question.
      if (isStatement(s.questions[index]) && index < s.questions.length - 1) proceed();
    }
    // The page's first question is asked at once: a pause there would only move the page
    // under the visitor's eyes as it loads.
    if (atOnce) { asked(); return; }
    s.typing.hidden = !motion;
    s.timer = setTimeout(asked, motion ? TYPING_MS : 50);
  }

  function reopen(index) {
    // Going back: the messages after that question's are removed (not re-rendered), and the
    // visitor walks on from there with their answers kept in the fields.
    all(state.log, ".rt-msg").forEach(function (bubble) {
      var n = Number(bubble.dataset.question);
      if (n > index || (n === index && bubble.classList.contains("rt-msg--me"))) bubble.remove();
    });
    show(index, "back");
  }

  function scrollLog() {
    var last = state.log.lastElementChild;
    if (last && last.scrollIntoView) last.scrollIntoView({ block: "nearest", behavior: motion ? "smooth" : "auto" });
  }

  function setUpChat(s, start, loading) {
    s.log = el("div", "rt-chat-log");
    s.log.setAttribute("role", "log");
    s.log.setAttribute("aria-live", "polite");
    s.log.setAttribute("aria-label", s.root.dataset.labelLog);
    // Questions answered before the first refused one are shown answered at once.
    for (var n = 0; n < start; n++) {
      s.log.appendChild(message("bot", n, askOf(s.questions[n])));
      if (!isStatement(s.questions[n])) s.log.appendChild(message("me", n, answerOf(s.questions[n])));
    }
    s.questions[0].parentNode.insertBefore(s.log, s.questions[0]);
    s.typing = el("p", "rt-typing", s.root.dataset.labelTyping);
    s.typing.setAttribute("aria-hidden", "true");
    s.typing.hidden = true;
    s.log.parentNode.insertBefore(s.typing, s.log.nextSibling);
    if (start > 0) {
      s.log.appendChild(message("bot", start, askOf(s.questions[start])));
      show(start, false);
    } else {
      s.questions.forEach(function (question) { question.hidden = true; });
      ask(0, loading);
    }
  }

  function init(e) {
    if (state) clearTimeout(state.timer);
    state = null;
    var root = document.querySelector("#stage [data-mode]");
    if (!root) return;
    state = setUp(root);
    if (!state) return;
    var invalid = state.form.querySelector('.rt-question [aria-invalid="true"]');
    var start = invalid ? state.questions.indexOf(invalid.closest(".rt-question")) : 0;
    if (state.mode === "chat") {
      setUpChat(state, start, e.type === "DOMContentLoaded");
    } else {
      show(start, false);
    }
  }

  /* --- events ---------------------------------------------------------------------------- */

  // Capture, before HTMX sees it: within a step, Next and Back move between its questions.
  document.addEventListener("submit", function (e) {
    var s = state;
    if (!s || e.target !== s.form) return;
    var action = e.submitter ? e.submitter.value : "next";
    var inside = action === "back" ? s.index > 0 : s.index < s.questions.length - 1;
    if (!inside && !s.busy) return;
    e.preventDefault();
    e.stopPropagation();
    if (action === "back") go(s.index - 1); else proceed();
  }, true);

  document.addEventListener("click", function (e) {
    var s = state;
    if (!s || !e.target.closest) return;
    if (e.target.closest("[data-previous]")) go(s.index - 1);
    var edit = e.target.closest("[data-edit]");
    if (edit && !s.busy) go(Number(edit.dataset.edit));
  });

  function fieldKind(target) {
    if (!target.matches) return "other";
    if (target.matches("textarea")) return "textarea";
    if (target.matches("select, input[type=number], input[type=date]")) return "native";
    if (target.matches("input:not([type=radio]):not([type=checkbox])")) return "text";
    return "other";
  }

  document.addEventListener("keydown", function (e) {
    var s = state;
    arrowed = /^Arrow(Left|Right)$/.test(e.key);
    if (!s || s.busy || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    var target = e.target;
    if (target !== document.body && !s.form.contains(target)) return;
    if (target.closest && target.closest("button, a")) return;  // they do what they say
    var kind = fieldKind(target);
    if (e.key === "Enter") {
      if (kind === "textarea" && e.shiftKey) return;
      e.preventDefault();
      proceed();
    } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      if (kind === "textarea" || kind === "native") return;
      e.preventDefault();
      go(s.index + (e.key === "ArrowUp" ? -1 : 1));
    } else if (kind === "other" && e.key.length === 1 && !e.shiftKey) {
      var options = choices(s.questions[s.index]);
      var n = LETTERS.indexOf(e.key.toUpperCase());
      if (n < 0 || n >= options.length) return;
      e.preventDefault();
      options[n].focus();
      options[n].click();
    }
  });
  document.addEventListener("pointerdown", function () { arrowed = false; });

  document.addEventListener("change", function (e) {
    var s = state;
    if (!s || e.target.type !== "radio" || arrowed) return;
    if (e.target.closest(".rt-question") !== s.questions[s.index]) return;
    clearTimeout(s.timer);
    s.timer = setTimeout(proceed, ADVANCE_AFTER_MS);
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.target && e.detail.target.id === "stage") init(e);
  });
  document.addEventListener("DOMContentLoaded", init);
})();
