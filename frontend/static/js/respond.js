/* Respondent pages, progressive enhancement only (everything works without it):
   - questions whose condition depends on this page appear and disappear as you answer;
   - "none of these"-style options clear the other choices, and the other way round;
   - allocation totals are shown as you type;
   - answers are saved as you type (POST /respond/section/{id}/autosave: a draft save, nothing
     is required yet; JSON back), with the revision kept up to date so an old save never
     overwrites a newer one;
   - the page's own buttons wait for an autosave still on its way, then send the revision it
     returned: a page's saves reach the server in order, so it never conflicts with itself. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var answersNode = document.getElementById("answers-data");
  var saved = answersNode ? JSON.parse(answersNode.textContent) : {};

  function fieldValues() {
    var values = {};
    var elements = form.elements;
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (!el.name || el.disabled) { continue; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { continue; }
      (values[el.name] = values[el.name] || []).push(el.value);
    }
    return values;
  }

  /* A date's three boxes as the stored YYYY-MM-DD (null unless all three make a date). */
  function typedDate(values, id) {
    var d = (values[id + ".day"] || [""])[0], m = (values[id + ".month"] || [""])[0], y = (values[id + ".year"] || [""])[0];
    if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) { return null; }
    var date = new Date(Date.UTC(+y, +m - 1, +d));
    if (date.getUTCDate() !== +d || date.getUTCMonth() !== +m - 1) { return null; }
    return y + "-" + (m.length < 2 ? "0" : "") + m + "-" + (d.length < 2 ? "0" : "") + d;
  }

  function currentAnswers() {
    var answers = {}, k;
    for (k in saved) { if (saved.hasOwnProperty(k)) { answers[k] = saved[k]; } }
    var values = fieldValues();
    var questions = form.querySelectorAll("[data-question]");
    for (var i = 0; i < questions.length; i++) {
      var id = questions[i].getAttribute("data-question");
      var v = questions[i].getAttribute("data-type") === "date" ? [typedDate(values, id) || ""] : values[id];
      /* A question whose answer is a list of choices (its kind says so in the page). */
      if (questions[i].hasAttribute("data-selects-many")) { answers[id] = v || null; }
      else if (v && v[0] !== "") { answers[id] = v[0]; }
      else { answers[id] = null; }
    }
    return answers;
  }

  function num(x) { var n = parseFloat(String(x).replace(",", ".")); return isNaN(n) ? null : n; }
  function empty(a) { return a === null || a === undefined || a === "" || (a instanceof Array && a.length === 0); }
  function equal(a, b) { var x = num(a), y = num(b); if (x !== null && y !== null) { return x === y; } return String(a) === String(b); }

  function evaluate(cond, answers) {
    var i;
    if (cond.all) { for (i = 0; i < cond.all.length; i++) { if (!evaluate(cond.all[i], answers)) { return false; } } return true; }
    if (cond.any) { for (i = 0; i < cond.any.length; i++) { if (evaluate(cond.any[i], answers)) { return true; } } return false; }
    if (cond.not) { return !evaluate(cond.not, answers); }
    if (cond.count_selected) {
      var list = answers[cond.count_selected], count = list instanceof Array ? list.length : 0;
      return compare(count, cond);
    }
    var a = answers[cond.question];
    if (cond.hasOwnProperty("answered")) { return empty(a) !== cond.answered; }
    if (empty(a)) { return false; }
    if (cond.hasOwnProperty("contains")) { return a instanceof Array && a.some(function (x) { return equal(x, cond.contains); }); }
    if (cond.hasOwnProperty("in")) { return !(a instanceof Array) && cond["in"].some(function (x) { return equal(a, x); }); }
    if (cond.hasOwnProperty("not_in")) { return !(a instanceof Array) && !cond.not_in.some(function (x) { return equal(a, x); }); }
    if (cond.hasOwnProperty("equals")) { return !(a instanceof Array) && equal(a, cond.equals); }
    if (cond.hasOwnProperty("not_equals")) { return !(a instanceof Array) && !equal(a, cond.not_equals); }
    var n = num(a);
    return n !== null && compare(n, cond);
  }

  function compare(n, cond) {
    if (cond.hasOwnProperty("gt")) { return n > cond.gt; }
    if (cond.hasOwnProperty("gte")) { return n >= cond.gte; }
    if (cond.hasOwnProperty("lt")) { return n < cond.lt; }
    if (cond.hasOwnProperty("lte")) { return n <= cond.lte; }
    if (cond.hasOwnProperty("equals")) { return n === cond.equals; }
    if (cond.hasOwnProperty("not_equals")) { return n !== cond.not_equals; }
    return false;
  }

  function applyConditions() {
    var answers = currentAnswers();
    var conditional = form.querySelectorAll("[data-show-if]");
    for (var i = 0; i < conditional.length; i++) {
      var node = conditional[i];
      var shown = evaluate(JSON.parse(node.getAttribute("data-show-if")), answers);
      node.className = node.className.replace(/ ?is-hidden/, "") + (shown ? "" : " is-hidden");
      var note = node.querySelector(".condition");
      if (note) { note.hidden = true; }
      if (!shown) { answers[node.getAttribute("data-question")] = null; }
    }
  }

  /* "Please specify" appears once "other" is chosen (without JavaScript it is always there). */
  function otherBoxes() {
    var boxes = form.querySelectorAll("[data-other-for]");
    for (var i = 0; i < boxes.length; i++) {
      var id = boxes[i].getAttribute("data-other-for");
      var chosen = form.querySelector('[name="' + id + '"][value="other"]:checked') ||
        form.querySelector('select[name="' + id + '"] option[value="other"]:checked');
      var input = boxes[i].querySelector("input");
      boxes[i].hidden = !chosen && !(input && input.value);
    }
  }

  function exclusive(event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked) { return; }
    var group = form.querySelectorAll('input[type=checkbox][name="' + box.name + '"]');
    for (var i = 0; i < group.length; i++) {
      var other = group[i];
      if (other === box) { continue; }
      if (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive")) { other.checked = false; }
    }
  }

  /* Shares add up to 100: their sum is shown as the page's language writes a percentage. */
  var percent = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent", maximumFractionDigits: 2 });

  function totals() {
    var blocks = form.querySelectorAll("[data-allocation]");
    for (var i = 0; i < blocks.length; i++) {
      var inputs = blocks[i].querySelectorAll("input"), sum = 0;
      for (var j = 0; j < inputs.length; j++) { sum += num(inputs[j].value) || 0; }
      var out = blocks[i].querySelector(".allocation-total");
      out.hidden = false;
      out.querySelector("[data-total]").textContent = percent.format(Math.round(sum * 100) / 10000);
      out.className = "allocation-total" + (Math.abs(sum - 100) > 0.01 ? " off" : "");
    }
  }

  var status = form.querySelector("[data-autosave-status]");
  var revision = form.querySelector("[data-revision]");
  var timer = null, saving = false, pending = false;
  /* Set while the page's own submit waits for an autosave on its way: what to do after it. */
  var afterSave = null, submitting = false;

  function encode(values) {
    var parts = [], k, i;
    for (k in values) { if (values.hasOwnProperty(k)) { for (i = 0; i < values[k].length; i++) {
      parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(values[k][i])); } } }
    return parts.join("&");
  }

  function autosave() {
    if (!window.fetch || submitting) { return; }
    if (saving) { pending = true; return; }
    saving = true;
    // The page's own fields, to the JSON route beside the page (a draft: nothing required yet).
    window.fetch(form.getAttribute("data-autosave"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: encode(fieldValues())
    }).then(function (response) { return response.json().then(function (body) { return { status: response.status, body: body }; }); })
      .then(function (result) {
        var body = result.body;
        if (result.status === 401 || result.status === 403) { status.textContent = status.getAttribute("data-expired"); }
        else if (body.saved) { revision.value = body.revision; status.textContent = status.getAttribute("data-saved"); }
        else if (body.reason === "conflict") { status.textContent = body.message || status.getAttribute("data-conflict"); }
        else if (body.reason === "invalid") { status.textContent = status.getAttribute("data-invalid") + " " + body.errors[0].message; }
        else { status.textContent = status.getAttribute("data-offline"); }
      })
      .catch(function () { status.textContent = status.getAttribute("data-offline"); })
      .then(function () {
        saving = false;
        if (afterSave) { var then = afterSave; afterSave = null; then(); }
        else if (pending) { pending = false; autosave(); }
      });
  }

  /* "Save and continue" / "Save and come back later": everything on the page goes with the
     button, so a pending autosave is dropped; one already on its way is waited for, and its
     revision (written into the form when it comes back) goes with the page. */
  function resubmit(button) {
    submitting = true;
    if (form.requestSubmit) { form.requestSubmit(button || undefined); return; }
    if (button && button.name) {
      var field = document.createElement("input");
      field.type = "hidden"; field.name = button.name; field.value = button.value;
      form.appendChild(field);
    }
    form.submit();
  }

  var clicked = null;
  form.addEventListener("click", function (event) {
    if (event.target.type === "submit") { clicked = event.target; }
  });
  form.addEventListener("submit", function (event) {
    if (submitting) { return; }
    if (timer) { clearTimeout(timer); timer = null; }
    pending = false;
    if (!saving) { submitting = true; return; }
    event.preventDefault();
    var button = event.submitter || clicked;
    status.textContent = status.getAttribute("data-waiting");
    afterSave = function () { resubmit(button); };
    /* An autosave that never answers must not hold the page: after a while the page goes
       anyway (the server takes a page's own save over its earlier autosave). */
    setTimeout(function () { if (afterSave) { var then = afterSave; afterSave = null; then(); } }, 10000);
  });

  function changed(event) {
    if (event) { exclusive(event); }
    applyConditions();
    otherBoxes();
    totals();
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(autosave, 1200);
  }

  /* Back to this page from the browser's history: it saves as you type again. */
  window.addEventListener("pageshow", function (event) { if (event.persisted) { submitting = false; } });
  form.addEventListener("change", changed);
  form.addEventListener("input", function () { totals(); if (timer) { clearTimeout(timer); } timer = setTimeout(autosave, 2000); });
  applyConditions();
  otherBoxes();
  totals();
})();
