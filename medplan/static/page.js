// The pharmacist's page (medplan/web/page.py): the form becomes a request for
// POST /v1/plan, and the answer a table, a day-by-day strip, the review's
// questions to answer, the patient's handout and an iCalendar file. No
// framework and no build step. Text is only ever written as text (never as
// HTML), which the page's Content-Security-Policy enforces.
"use strict";

(function () {
  const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  // Offered when the browser cannot list its zones (Intl.supportedValuesOf).
  const FALLBACK_ZONES = ["Australia/Perth", "Australia/Sydney", "Europe/London",
    "America/New_York", "Pacific/Auckland", "UTC"];
  const REGIMENS = [["", "Not given"], ["prophylactic", "Prophylactic"],
    ["therapeutic", "Therapeutic"], ["daily", "Daily"], ["weekly", "Weekly"]];
  const ROUTES = [["", "Not given"], ["oral", "Oral"], ["iv", "IV (infusion)"], ["sc", "SC"]];
  const INDICATIONS = [["", "Not given"], ["primary-prevention", "Primary prevention"],
    ["secondary-prevention", "Secondary prevention"], ["coronary-stent", "Coronary stent"],
    ["acute-coronary-syndrome", "Acute coronary syndrome"], ["stroke-or-tia", "Stroke or TIA"],
    ["peripheral-arterial-disease", "Peripheral arterial disease"]];
  const STENT_TYPES = [["", "Not given"], ["drug-eluting", "Drug-eluting"], ["bare-metal", "Bare-metal"]];
  const DAY_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
  // The timeline strip: a week before the procedure to five days after.
  const STRIP = [-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5];
  const ANSWERS = { hold: "Hold", continue: "Continue", confirmed: "Confirmed",
    bridge: "Bridge", "no-bridge": "Do not bridge" };
  const CARE_HEADINGS = { before: "Before the procedure", after: "After the procedure" };

  const form = document.getElementById("plan-form");
  const rowsBox = document.getElementById("medicine-rows");
  const errorSummary = document.getElementById("error-summary");
  const errorList = document.getElementById("error-list");
  const status = document.getElementById("form-status");
  const result = document.getElementById("result");
  const handout = document.getElementById("handout");
  const download = document.getElementById("download-ics");
  const decisionsBox = document.getElementById("decisions");
  const reviewItemsBox = document.getElementById("review-items");
  const decisionsStatus = document.getElementById("decisions-status");
  let rowCounter = 0;
  let sentRows = []; // the medicine rows in the order the request lists them
  let sentDecisions = []; // the review items' fieldsets in the order the decisions were sent
  let lastRequest = null; // the request of the plan on screen, which decisions are added to
  let carried = {}; // what a #request= link gave that the form has no control for
  let icsUrl = null;
  let busy = false;

  // --- small helpers ------------------------------------------------------

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    }
    for (const child of children) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  function options(select, pairs) {
    for (const [value, text] of pairs) {
      select.append(el("option", { value: value }, text));
    }
    return select;
  }

  // A date or time from the plan, read on its own clock: the plan's times are
  // in the procedure's zone, so they are never converted to this computer's.
  function parts(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(iso);
    return m && { y: +m[1], mo: +m[2], d: +m[3], time: m[4] ? `${m[4]}:${m[5]}` : null };
  }

  function sayDate(iso) {
    const p = parts(iso);
    if (!p) return iso;
    const weekday = WEEKDAYS[new Date(Date.UTC(p.y, p.mo - 1, p.d)).getUTCDay()];
    return `${weekday} ${p.d} ${MONTHS[p.mo - 1]} ${p.y}`;
  }

  function sayWhen(iso) {
    const p = parts(iso);
    return p && p.time ? `${sayDate(iso)}, ${p.time}` : sayDate(iso);
  }

  function timeEl(iso) {
    return iso ? el("time", { datetime: iso }, sayWhen(iso)) : el("span", { class: "none" }, "none");
  }

  function sayDay(day) {
    if (day === 0) return "day 0";
    return day < 0 ? `day \u2212${-day}` : `day +${day}`;
  }

  // Calendar days on the plan's own clock: YYYY-MM-DD in, YYYY-MM-DD out.
  function addDays(iso, days) {
    const p = parts(iso);
    return new Date(Date.UTC(p.y, p.mo - 1, p.d + days)).toISOString().slice(0, 10);
  }

  function daysFrom(iso, day0) {
    const a = parts(iso);
    const b = parts(day0);
    return Math.round((Date.UTC(a.y, a.mo - 1, a.d) - Date.UTC(b.y, b.mo - 1, b.d)) / 86400000);
  }

  function shortDate(iso) {
    const p = parts(iso);
    const weekday = WEEKDAYS[new Date(Date.UTC(p.y, p.mo - 1, p.d)).getUTCDay()];
    return `${weekday.slice(0, 3)} ${p.d} ${MONTHS[p.mo - 1].slice(0, 3)}`;
  }

  function hidden(text) {
    return el("span", { class: "visually-hidden" }, text);
  }

  function labelFor(input) {
    const label = document.querySelector(`label[for="${input.id}"]`);
    if (!label) return input.id;
    const copy = label.cloneNode(true);
    copy.querySelectorAll(".optional").forEach((node) => node.remove());
    const name = copy.textContent.trim();
    const row = input.closest(".medicine");
    if (row) return `${row.querySelector("legend").textContent}: ${name}`;
    const item = input.closest(".review-item");
    return item ? `${item.dataset.review}: ${name}` : name;
  }

  // --- the medicine rows --------------------------------------------------

  function medicineRow() {
    rowCounter += 1;
    const id = `med-${rowCounter}`;
    const field = (name, label, control, hint) => el("div", { class: "field" },
      el("label", { for: `${id}-${name}` }, label, hint ? el("span", { class: "optional" }, hint) : null),
      control);
    const select = (name, pairs) => options(
      el("select", { id: `${id}-${name}`, "data-field": name, "data-kind": "choice" }), pairs);
    const remove = el("button", { type: "button", class: "remove secondary" }, "Remove");
    const row = el("fieldset", { class: "medicine", id },
      el("legend", {}, "Medicine"),
      el("div", { class: "fields" },
        field("name", "Name", el("input", { id: `${id}-name`, type: "text", list: "drug-names",
          autocomplete: "off", spellcheck: "false", "data-field": "name", "data-kind": "text",
          "aria-describedby": "medicine-name-hint" })),
        field("times", "Usual times", el("input", { id: `${id}-times`, type: "text",
          autocomplete: "off", "data-field": "times", "data-kind": "list",
          "aria-describedby": `${id}-times-hint` }), null),
        field("dose", "Dose", el("input", { id: `${id}-dose`, type: "text", autocomplete: "off",
          "data-field": "dose", "data-kind": "text" }), " (optional)"),
        field("regimen", "Regimen", select("regimen", REGIMENS), " (optional)"),
        field("route", "Route", select("route", ROUTES), " (optional)"),
        field("indication", "Indication", select("indication", INDICATIONS), " (optional)"),
        field("indication_date", "Date of the event", el("input", { id: `${id}-indication_date`,
          type: "text", autocomplete: "off", placeholder: "YYYY-MM-DD", "data-field": "indication_date",
          "data-kind": "text" }), " (stent, ACS, stroke)"),
        field("stent_type", "Stent type", select("stent_type", STENT_TYPES), " (optional)"),
        field("days", "Weekdays", el("input", { id: `${id}-days`, type: "text", autocomplete: "off",
          "data-field": "days", "data-kind": "list", "aria-describedby": `${id}-days-hint` }),
          " (weekly medicines)")),
      el("p", { class: "hint", id: `${id}-times-hint` },
        "Usual times: 24-hour HH:MM, separated by spaces or commas (08:00 20:00). Needed to date a hold."),
      el("p", { class: "hint", id: `${id}-days-hint` },
        "Weekdays: for a weekly medicine, the days it is taken on (sunday)."),
      remove);
    remove.addEventListener("click", () => removeRow(row));
    return row;
  }

  function renumber() {
    const rows = [...rowsBox.querySelectorAll(".medicine")];
    rows.forEach((row, index) => {
      row.querySelector("legend").textContent = `Medicine ${index + 1}`;
      row.querySelector(".remove").textContent = `Remove medicine ${index + 1}`;
    });
  }

  function addRow() {
    const row = medicineRow();
    rowsBox.append(row);
    renumber();
    return row;
  }

  function removeRow(row) {
    const rows = [...rowsBox.querySelectorAll(".medicine")];
    const next = rows[rows.indexOf(row) + 1] || rows[rows.indexOf(row) - 1];
    row.remove();
    renumber();
    status.textContent = "Medicine removed.";
    // Focus stays in the list: the next row's name, else the add button.
    (next ? next.querySelector("input") : document.getElementById("add-medicine")).focus();
  }

  // --- the request --------------------------------------------------------

  function value(control) {
    const raw = control.value.trim();
    if (raw === "") return undefined;
    switch (control.dataset.kind) {
      case "number":
        // Not a number: sent as written, so the service names the problem.
        return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
      case "boolean":
        return raw === "true";
      case "list":
        return raw.split(/[\s,;]+/).filter(Boolean);
      default:
        return raw;
    }
  }

  function put(target, path, item) {
    const keys = path.split(".");
    let node = target;
    for (const key of keys.slice(0, -1)) {
      node = node[key] = node[key] || {};
    }
    node[keys[keys.length - 1]] = item;
  }

  // One reason, with the fields of its own group only: the request refuses a
  // field that belongs to another reason.
  const reasonSelect = document.getElementById("reason");
  function reasonGroup() {
    return form.querySelector(`[data-reason-group="${reasonSelect.value}"]`);
  }
  function showReasonGroup() {
    for (const group of form.querySelectorAll("[data-reason-group]")) {
      group.hidden = group.dataset.reasonGroup !== reasonSelect.value;
    }
  }
  function reasonFields() {
    if (!reasonSelect.value) return null;
    const reason = { reason: reasonSelect.value };
    for (const control of reasonGroup().querySelectorAll("[data-reason]")) {
      const item = value(control);
      if (item !== undefined) reason[control.dataset.reason] = item;
    }
    return reason;
  }

  function buildRequest() {
    const request = { procedure: {}, patient: {}, medications: [] };
    for (const control of form.querySelectorAll("[data-field]")) {
      if (control.closest(".medicine")) continue;
      const item = value(control);
      if (item !== undefined) put(request, control.dataset.field, item);
    }
    const reason = reasonFields();
    if (reason) request.patient.anticoagulation = [reason];
    sentRows = [];
    for (const row of rowsBox.querySelectorAll(".medicine")) {
      const medicine = {};
      for (const control of row.querySelectorAll("[data-field]")) {
        const item = value(control);
        if (item !== undefined) medicine[control.dataset.field] = item;
      }
      if (Object.keys(medicine).length) {
        request.medications.push({ ...JSON.parse(row.dataset.extra || "{}"), ...medicine });
        sentRows.push(row);
      }
    }
    merge(request, carried);
    // Now, if not given: the service plans as of its own clock, and says so.
    return request;
  }

  function isObject(item) {
    return item !== null && typeof item === "object" && !Array.isArray(item);
  }

  // What the form left out, from what a link gave: the form's own fields win.
  function merge(target, extra) {
    for (const [key, item] of Object.entries(extra)) {
      if (target[key] === undefined) target[key] = item;
      else if (isObject(target[key]) && isObject(item)) merge(target[key], item);
    }
  }

  // --- errors -------------------------------------------------------------

  // The control for an error's field: medications[2].times[0] is the third
  // row sent, its times; a field the form has no control for has none.
  function controlFor(field) {
    if (!field) return null;
    const medicine = /^medications\[(\d+)\](?:\.([a-z_]+))?/.exec(field);
    if (medicine) {
      const row = sentRows[+medicine[1]];
      if (!row) return null;
      return row.querySelector(`[data-field="${medicine[2] || "name"}"]`) || row.querySelector("input");
    }
    const decision = /^decisions\[(\d+)\](?:\.([a-z_]+))?/.exec(field);
    if (decision) {
      const item = sentDecisions[+decision[1]];
      if (!item) return null;
      const name = decision[2] || "answer";
      return item.querySelector(`[data-decision="${name}"]${name === "answer" ? ":checked" : ""}`)
        || item.querySelector("[data-decision]");
    }
    const reason = /^patient\.anticoagulation\[0\](?:\.([a-z0-9_]+))?/.exec(field);
    if (reason) {
      const group = reasonGroup();
      return (reason[1] && group && group.querySelector(`[data-reason="${reason[1]}"]`)) || reasonSelect;
    }
    let path = field;
    while (path) {
      const control = form.querySelector(`[data-field="${path}"]`);
      if (control && !control.closest(".medicine")) return control;
      const shorter = path.replace(/(\[\d+\]|\.[^.[\]]+)$/, "");
      if (shorter === path) break;
      path = shorter;
    }
    return null;
  }

  function clearErrors() {
    errorSummary.hidden = true;
    errorList.replaceChildren();
    for (const node of document.querySelectorAll(".field-error")) node.remove();
    for (const control of document.querySelectorAll("[aria-invalid]")) {
      control.removeAttribute("aria-invalid");
      const described = (control.getAttribute("aria-describedby") || "").split(" ")
        .filter((id) => id && !id.endsWith("-error")).join(" ");
      if (described) control.setAttribute("aria-describedby", described);
      else control.removeAttribute("aria-describedby");
    }
  }

  function showError(error) {
    const control = controlFor(error.field);
    if (control) {
      const name = labelFor(control);
      const said = `${name} ${error.problem}`;
      const id = `${control.id}-error`;
      control.setAttribute("aria-invalid", "true");
      const described = control.getAttribute("aria-describedby");
      control.setAttribute("aria-describedby", described ? `${id} ${described}` : id);
      control.after(el("p", { class: "field-error", id }, el("span", { class: "visually-hidden" }, "Error: "), said));
      const link = el("a", { href: `#${control.id}` }, said);
      link.append(el("span", { class: "field-path" }, ` (${error.field})`));
      link.addEventListener("click", (event) => {
        event.preventDefault();
        control.focus();
      });
      errorList.append(el("li", {}, link));
    } else {
      errorList.append(el("li", {}, error.message || error.problem));
    }
    errorSummary.hidden = false;
    errorSummary.focus();
  }

  async function errorOf(response) {
    try {
      const body = await response.json();
      if (body && body.error) return body.error;
    } catch (_) { /* not the service's JSON error */ }
    return { field: null, problem: `the service answered ${response.status} ${response.statusText}` };
  }

  // --- the answer ---------------------------------------------------------

  function actionCell(medicine) {
    const cell = el("td", {}, el("span", { class: `action action-${medicine.action}` },
      medicine.action === "review" ? "Review" : medicine.action === "hold" ? "Hold" : "Continue"));
    if (medicine.hold) cell.append(el("span", { class: "detail" }, ` ${medicine.hold}`));
    if (medicine.review_reason) cell.append(el("p", { class: "reason" }, medicine.review_reason));
    return cell;
  }

  function checkCell(medicine) {
    if (!medicine.checks.length) return el("td", {}, el("span", { class: "none" }, "none"));
    const list = el("ul", { class: "plain" });
    for (const check of medicine.checks) {
      const limit = check.max !== null && check.max !== undefined ? ` \u2264 ${check.max}` : "";
      list.append(el("li", {}, `${check.test}${limit} on `,
        el("time", { datetime: check.date }, sayDate(check.date)), ` (${sayDay(check.day)})`));
    }
    return el("td", {}, list);
  }

  function ruleCell(medicine) {
    const cell = el("td", { class: "rule" });
    if (medicine.rule_id) cell.append(el("code", {}, medicine.rule_id));
    if (medicine.rule) cell.append(el("p", {}, medicine.rule));
    if (medicine.source) cell.append(el("p", { class: "source" }, medicine.source));
    const more = el("details", {}, el("summary", {}, "Instruction and notes"),
      el("p", {}, medicine.instruction));
    for (const note of medicine.notes || []) more.append(el("p", { class: "note" }, note));
    cell.append(more);
    return cell;
  }

  function renderPlan(plan) {
    const procedure = plan.procedure;
    const end = procedure.end ? ` to ${parts(procedure.end).time}` : "";
    document.getElementById("result-procedure").replaceChildren(
      el("strong", {}, procedure.name), ": ", timeEl(procedure.start), end,
      ` (${procedure.timezone} time), ${procedure.bleeding_risk} bleeding risk, ${plan.guideline}.`);

    const review = document.getElementById("review");
    const reasons = document.getElementById("review-reasons");
    reasons.replaceChildren(...plan.review_reasons.map((reason) => el("li", {}, reason)));
    if (plan.contraindicated) reasons.prepend(el("li", {}, "Contraindicated: do not book the procedure."));
    review.hidden = !plan.needs_review && !plan.contraindicated;
    const final = document.getElementById("no-review");
    final.hidden = !review.hidden;
    const deciders = [...new Set((plan.decisions || []).map((d) => d.by))];
    final.textContent = deciders.length
      ? `Final plan: every question answered, decided by ${deciders.join(", ")} (pharmacist review). `
        + "It is still a proposal for the clinician doing the procedure to confirm."
      : "No review needed: every medicine has a confirmed rule. The plan is still a proposal for the clinician doing the procedure to confirm.";

    const booking = document.getElementById("booking");
    booking.replaceChildren();
    if (plan.booking) {
      const pair = (term, ...definition) => booking.append(el("dt", {}, term), el("dd", {}, ...definition));
      pair("Planned as of", timeEl(plan.booking.now), plan.booking.now_source === "clock" ? " (the server's clock)" : "");
      pair("Tell the patient by", timeEl(plan.booking.notify_by));
      pair("Earliest start every hold allows", timeEl(plan.booking.earliest_start));
      pair("Booked too soon", plan.booking.too_soon ? "Yes: the date must change" : "No");
    }
    booking.hidden = !plan.booking;

    const rows = plan.medications.map((medicine) => el("tr", {},
      el("th", { scope: "row" }, medicine.input,
        medicine.drug ? el("span", { class: "drug" }, `${medicine.drug} (${medicine.drug_class})`) : null),
      actionCell(medicine),
      el("td", {}, timeEl(medicine.last_dose)),
      checkCell(medicine),
      el("td", {}, timeEl(medicine.resume)),
      ruleCell(medicine)));
    document.getElementById("plan-rows").replaceChildren(...rows);

    const anticoagulation = document.getElementById("anticoagulation");
    anticoagulation.hidden = !plan.anticoagulation;
    if (plan.anticoagulation) {
      document.getElementById("anticoagulation-decision").textContent =
        `${plan.anticoagulation.medicine}: ${plan.anticoagulation.decision}`;
    }
    renderStrip(plan);
  }

  // --- the timeline strip -------------------------------------------------

  // What a medicine's row shows on a day, from its plan alone: the last dose
  // and restart are the plan's, the days between are held.
  function dayState(medicine, order, day, date, day0) {
    const weekdays = (order && order.days) || [];
    const due = !weekdays.length
      || weekdays.includes(DAY_NAMES[new Date(`${date}T00:00:00Z`).getUTCDay()]);
    const usual = due ? ["taken", "taken"] : ["none", "\u2013"];
    if (medicine.action === "continue") return usual;
    if (!medicine.last_dose) return ["unknown", "?"];
    const last = daysFrom(medicine.last_dose, day0);
    const resume = medicine.resume ? daysFrom(medicine.resume, day0) : null;
    if (day < last) return usual;
    if (day === last) return ["last", `last ${parts(medicine.last_dose).time || ""}`.trim()];
    if (resume === null || day < resume) return ["held", "held"];
    if (day === resume) return ["restart", `restart ${parts(medicine.resume).time || ""}`.trim()];
    return usual;
  }

  function eventLabel(event) {
    const at = event.at ? ` ${parts(event.at).time}` : "";
    if (event.kind === "test") return ["check", /INR/.test(event.what) ? "INR" : "test"];
    if (event.kind === "injection") return ["inject", `inject${at}`];
    return [event.kind, `${event.kind}${at}`];
  }

  function stripRow(header, cells) {
    return el("tr", {}, el("th", { scope: "row" }, ...header), ...cells);
  }

  function renderStrip(plan) {
    const day0 = plan.procedure.start.slice(0, 10);
    const days = STRIP.map((day) => [day, addDays(day0, day)]);
    document.getElementById("timeline-days").replaceChildren(el("th", { scope: "col" }, "Medicine"),
      ...days.map(([day, date]) => el("th", { scope: "col", class: day === 0 ? "day0" : null },
        sayDay(day), el("span", { class: "strip-date" }, shortDate(date)))));
    const events = plan.timeline || [];
    const orders = (plan.request && plan.request.medications) || [];
    const marks = (name, date) => events.filter((e) => e.medicine === name && e.date === date
      && !["last-dose", "restart"].includes(e.kind)).map(eventLabel);
    const cell = (day, states) => el("td", { class: [day === 0 ? "day0" : "", ...states.map(([kind]) => `cell-${kind}`)].join(" ").trim() },
      ...states.flatMap(([kind, text], n) => [n ? el("br") : null,
        el("span", { class: `mark mark-${kind}` }, text, kind === "unknown" ? hidden(" not yet planned") : null,
          kind === "none" ? hidden(" no dose due") : null)]));
    const procedureAt = parts(plan.procedure.start).time;
    const rows = [stripRow(["Procedure"], days.map(([day]) =>
      cell(day, day === 0 ? [["procedure", `procedure ${procedureAt}`]] : [])))];
    plan.medications.forEach((medicine, index) => {
      const header = [medicine.input];
      const status = medicine.action === "review" ? "review: dates proposed, not decided" : medicine.action;
      header.push(el("span", { class: "strip-status" }, status));
      for (const [moment, word] of [[medicine.last_dose, "last dose"], [medicine.resume, "restart"]]) {
        if (!moment) continue;
        const day = daysFrom(moment, day0);
        if (day < STRIP[0] || day > STRIP[STRIP.length - 1]) {
          header.push(el("span", { class: "strip-outside" }, `${word} ${sayDay(day)}, ${shortDate(moment)} ${parts(moment).time || ""}`.trim()));
        }
      }
      const proposed = medicine.action === "review" && medicine.last_dose;
      const row = stripRow(header, days.map(([day, date]) => {
        const state = dayState(medicine, orders[index], day, date, day0);
        const states = [proposed ? ["proposed", state[1]] : state, ...marks(medicine.input, date)];
        return cell(day, states);
      }));
      rows.push(row);
    });
    // Bridging injections are the pathway's own medicine, not one of the list.
    const inputs = new Set(plan.medications.map((m) => m.input));
    for (const name of [...new Set(events.filter((e) => e.medicine && !inputs.has(e.medicine)).map((e) => e.medicine))]) {
      rows.push(stripRow([name, el("span", { class: "strip-status" }, "bridging")],
        days.map(([day, date]) => cell(day, marks(name, date)))));
    }
    document.getElementById("timeline-rows").replaceChildren(...rows);
  }

  // --- the review items ---------------------------------------------------

  function decisionField(id, name, label, control, hint) {
    control.id = `${id}-${name}`;
    control.dataset.decision = name;
    if (hint) control.setAttribute("aria-describedby", `${id}-${name}-hint`);
    return el("div", { class: "field" }, el("label", { for: control.id }, label), control,
      hint ? el("p", { class: "hint", id: `${id}-${name}-hint` }, hint) : null);
  }

  function reviewItem(item, index, plan) {
    const id = `review-${index + 1}`;
    const decided = item.decision || {};
    const box = el("fieldset", { class: "review-item", id, "data-review": item.id },
      el("legend", {}, item.medication ? `${item.medication}: ${item.question}` : item.question),
      el("p", { class: "hint" }, item.reason, el("span", { class: "field-path" }, ` (${item.id})`)));
    const answers = (item.answer_with && item.answer_with.decision) || [];
    if (answers.length) {
      const group = el("fieldset", { class: "answers" }, el("legend", {}, "Answer"));
      [["", "Not answered yet"], ...answers.map((a) => [a, ANSWERS[a] || a])].forEach(([answer, text], n) => {
        const radio = el("input", { type: "radio", id: `${id}-answer-${n}`, name: `${id}-answer`, value: answer,
          "data-decision": "answer", checked: (decided.answer || "") === answer });
        group.append(el("span", { class: "choice" }, radio, el("label", { for: radio.id }, text)));
      });
      box.append(group);
      const fields = el("div", { class: "fields" });
      if (answers.includes("hold")) {
        const medicine = plan.medications.find((m) => m.input === item.medication) || {};
        const required = item.answer_with.hold_dates === "required";
        const proposal = medicine.last_dose && medicine.resume
          ? `Left empty, a hold takes the plan's proposal: last dose ${sayWhen(medicine.last_dose)}, restart ${sayWhen(medicine.resume)}.`
          : "";
        const when = (name, label, iso) => {
          const field = decisionField(id, name, label,
            el("input", { type: "datetime-local", step: "60", value: iso ? iso.slice(0, 16) : null }));
          field.querySelector("input").setAttribute("aria-describedby", `${id}-hold-hint`);
          return field;
        };
        fields.append(when("last_dose", "Last dose, if held", decided.last_dose),
          when("resume", "Restart, if held", decided.resume));
        box.append(el("p", { class: "hint", id: `${id}-hold-hint` }, required
          ? "A hold needs its last dose and restart: the plan proposes no dates for this medicine. On the procedure's clock."
          : `${proposal} On the procedure's clock.`));
      }
      fields.append(
        decisionField(id, "reason", "Reason (optional)", el("input", { type: "text", autocomplete: "off", value: decided.reason || null })),
        decisionField(id, "by", "Decided by", el("input", { type: "text", autocomplete: "name", value: decided.by || null }),
          "Your name and role, as the plan will cite it."));
      box.append(fields);
    }
    const data = (item.answer_with && item.answer_with.data) || [];
    if (data.length) {
      const note = el("p", { class: "data-answer" },
        answers.length ? "Or answer it with data: give " : "Answered by data, not a decision: give ");
      data.forEach((field, n) => {
        const control = controlFor(field);
        if (n) note.append(n === data.length - 1 ? " or " : ", ");
        if (control) {
          const go = el("button", { type: "button", class: "link" }, labelFor(control));
          go.addEventListener("click", () => control.focus());
          note.append(go);
        } else {
          note.append(el("code", {}, field));
        }
      });
      note.append(" in the form above, then make the plan again.");
      box.append(note);
    }
    return box;
  }

  function renderDecisions(plan) {
    const items = plan.reviews || [];
    reviewItemsBox.replaceChildren(...items.map((item, index) => reviewItem(item, index, plan)));
    decisionsBox.hidden = !items.length;
    decisionsStatus.textContent = "";
  }

  function collectDecisions() {
    const decisions = [];
    sentDecisions = [];
    for (const box of reviewItemsBox.querySelectorAll(".review-item")) {
      const answer = box.querySelector('[data-decision="answer"]:checked');
      if (!answer || !answer.value) continue;
      const decision = { review: box.dataset.review, answer: answer.value };
      const names = answer.value === "hold" ? ["by", "reason", "last_dose", "resume"] : ["by", "reason"];
      for (const name of names) {
        const control = box.querySelector(`[data-decision="${name}"]`);
        const given = control ? control.value.trim() : "";
        if (given) decision[name] = given;
      }
      decisions.push(decision);
      sentDecisions.push(box);
    }
    return decisions;
  }

  function applyDecisions() {
    const decisions = collectDecisions();
    if (!decisions.length) {
      decisionsStatus.textContent = "Choose an answer for at least one question first.";
      return undefined;
    }
    const request = { ...lastRequest, decisions };
    return makePlan(() => request, `Plan made with ${decisions.length} decision${decisions.length === 1 ? "" : "s"}`, true);
  }

  // --- the handout --------------------------------------------------------

  function section(title, lines) {
    return lines.length ? [el("h4", {}, title), el("ul", {}, ...lines.map((line) => el("li", {}, ...line)))] : [];
  }

  function range(first, last) {
    return first === last ? sayDate(first) : `${sayDate(first)} to ${sayDate(last)}`;
  }

  // Injections: one line for a run of days with the same words and times.
  function injectionLines(events) {
    const byDay = [];
    for (const event of events.filter((e) => e.kind === "injection")) {
      const last = byDay[byDay.length - 1];
      const time = event.at ? parts(event.at).time : null;
      if (last && last.date === event.date && last.text === event.for_patient) last.times.push(time);
      else byDay.push({ date: event.date, text: event.for_patient, times: [time] });
    }
    const runs = [];
    for (const day of byDay) {
      const run = runs[runs.length - 1];
      if (run && run.text === day.text && run.times.join() === day.times.join() && addDays(run.last, 1) === day.date) run.last = day.date;
      else runs.push({ first: day.date, last: day.date, text: day.text, times: day.times });
    }
    return runs.map((run) => [el("strong", {}, range(run.first, run.last)),
      `: ${run.text}${run.times.filter(Boolean).length ? ` At ${run.times.filter(Boolean).join(" and ")}.` : ""}`]);
  }

  function renderSheet(plan) {
    const procedure = plan.procedure;
    const start = parts(procedure.start);
    const sheet = [
      el("h3", {}, "Your medicines around your procedure"),
      el("p", {}, el("strong", {}, "Procedure: "), procedure.name),
      el("p", {}, el("strong", {}, "When: "), `${sayDate(procedure.start)} at ${start.time} (${procedure.timezone} time)`),
    ];
    if (plan.needs_review) {
      sheet.push(el("p", { class: "not-final" },
        "NOT FINAL: this plan is not final until a pharmacist has checked it. Do not change your medicines until they tell you it is."));
    }
    sheet.push(...section("Your medicines", plan.medications.map((m) => [el("strong", {}, `${m.input}: `), m.instruction])));
    const tests = (plan.timeline || []).filter((e) => e.kind === "test");
    sheet.push(...section("Blood tests", tests.map((e) => [el("strong", {}, sayDate(e.date)), `: ${e.for_patient}`])));
    sheet.push(...section("Injections", injectionLines(plan.timeline || [])));
    const kinds = [...new Set((plan.care || []).map((c) => c.kind))];
    for (const kind of kinds) {
      sheet.push(...section(CARE_HEADINGS[kind] || "Care", plan.care.filter((c) => c.kind === kind)
        .map((c) => [el("strong", {}, range(c.from, c.to)), `: ${c.instruction}`])));
    }
    const deciders = [...new Set((plan.decisions || []).map((d) => d.by))];
    sheet.push(el("p", { class: "sheet-footer" },
      `Made by medplan ${plan.medplan_version} (${plan.guideline})`,
      deciders.length ? `; checked by ${deciders.join(", ")}.` : ".",
      " Questions: ask your pharmacist or the practice doing the procedure."));
    document.getElementById("handout-sheet").replaceChildren(...sheet);
    // Pain relief advice prints only as it applies: unknown, both print with their condition.
    const patient = (plan.request && plan.request.patient) || {};
    const conditional = (plan.care || []).some((c) => /^If you take /.test(c.instruction));
    const note = document.getElementById("handout-note");
    note.hidden = !(conditional && patient.takes_pain_relief === undefined);
    note.textContent = "The form does not say whether the patient takes regular pain relief, so the handout gives "
      + "both pain relief instructions, each with its condition: answer \u201cTakes pain relief\u201d and make the plan "
      + "again to print only the one that applies.";
  }

  async function renderHandout(calendar, ics) {
    document.getElementById("calendar-text").textContent = calendar.ok
      ? await calendar.text()
      : `The calendar could not be made: ${(await errorOf(calendar)).problem}`;
    const problem = document.getElementById("ics-problem");
    if (icsUrl) URL.revokeObjectURL(icsUrl);
    icsUrl = null;
    if (ics.ok) {
      const type = (ics.headers.get("Content-Type") || "text/calendar").split(";")[0];
      icsUrl = URL.createObjectURL(new Blob([await ics.arrayBuffer()], { type }));
      const named = /filename="([^"]+)"/.exec(ics.headers.get("Content-Disposition") || "");
      download.href = icsUrl;
      download.type = type;
      download.download = named ? named[1] : "medplan-plan.ics";
      download.hidden = false;
      problem.hidden = true;
    } else {
      download.removeAttribute("href");
      download.removeAttribute("type");
      download.hidden = true;
      problem.textContent = `No calendar file: ${(await errorOf(ics)).problem}`;
      problem.hidden = false;
    }
  }

  function post(path, request) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(request),
    });
  }

  // Plans the request made by request() and shows it, or the service's error;
  // made says in the status line what was planned. Answering the review
  // (withDecisions) keeps its questions on screen when the service refuses
  // an answer, so that the error is shown beside it.
  async function makePlan(request, made, withDecisions = false) {
    if (busy) return;
    busy = true;
    form.setAttribute("aria-busy", "true");
    // An earlier plan must never stay on screen beside a new request's error.
    result.hidden = true;
    handout.hidden = true;
    if (!withDecisions) decisionsBox.hidden = true;
    clearErrors();
    status.textContent = "Making the plan\u2026";
    decisionsStatus.textContent = withDecisions ? "Making the final plan\u2026" : "";
    try {
      const body = request();
      const answer = await post("v1/plan", body);
      if (!answer.ok) {
        showError(await errorOf(answer));
        status.textContent = "";
        decisionsStatus.textContent = "";
        return;
      }
      const plan = await answer.json();
      const [calendar, ics] = await Promise.all([post("v1/calendar", body), post("v1/ics", body)]);
      lastRequest = body;
      renderPlan(plan);
      renderDecisions(plan);
      renderSheet(plan);
      await renderHandout(calendar, ics);
      result.hidden = false;
      handout.hidden = false;
      status.textContent = `${made}${plan.needs_review ? ": it needs pharmacist review." : plan.decisions && plan.decisions.length ? ": the final plan, every question answered." : "."}`;
      document.getElementById("result-title").focus();
    } catch (error) {
      showError({ field: null, problem: error.linked ? error.message : `the service could not be reached (${error.message})` });
      status.textContent = "";
      decisionsStatus.textContent = "";
    } finally {
      busy = false;
      form.removeAttribute("aria-busy");
    }
  }

  function submit(event) {
    event.preventDefault();
    return makePlan(buildRequest, "Plan made");
  }

  // A CDS Hooks card links here with its appointment's request after
  // #request= (base64url JSON, medplan.fhir.cds.page_link): in the fragment, which
  // the browser never sends, so the patient's data stays out of access logs.
  function linkedRequest() {
    const encoded = location.hash.replace(/^#request=/, "");
    try {
      if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new Error("not base64url");
      const binary = atob(encoded.replace(/-/g, "+").replace(/_/g, "/"));
      const text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
      return JSON.parse(text);
    } catch (error) {
      const problem = new Error(`the link's request could not be read (${error.message}): open the link from the booking system again`);
      problem.linked = true;
      throw problem;
    }
  }

  // --- start --------------------------------------------------------------

  async function load(path) {
    const answer = await fetch(path, { headers: { Accept: "application/json" } });
    if (!answer.ok) throw new Error(`${path}: ${answer.status}`);
    return answer.json();
  }

  async function start() {
    const zone = document.getElementById("procedure-timezone");
    const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (here && !zone.value) zone.value = here;
    const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : FALLBACK_ZONES;
    document.getElementById("time-zones").replaceChildren(...zones.map((z) => el("option", { value: z })));

    addRow();
    document.getElementById("add-medicine").addEventListener("click", () => {
      addRow().querySelector("input").focus();
      status.textContent = "Medicine added.";
    });
    document.getElementById("print-handout").addEventListener("click", () => window.print());
    document.getElementById("apply-decisions").addEventListener("click", applyDecisions);
    form.addEventListener("submit", submit);
    reasonSelect.addEventListener("change", showReasonGroup);
    showReasonGroup();

    try {
      const [catalogue, known] = await Promise.all([load("v1/procedures"), load("v1/names")]);
      const select = document.getElementById("procedure-code");
      for (const procedure of catalogue.procedures) {
        select.append(el("option", { value: procedure.code },
          `${procedure.name} (${procedure.code}; ${procedure.bleeding_risk})`));
      }
      document.getElementById("drug-names").replaceChildren(...known.names.map((name) =>
        el("option", { value: name.name, label: name.kind === "generic" ? name.drug_class : `${name.kind}: ${name.drug}` })));
    } catch (error) {
      status.textContent = `The procedure catalogue and medicine names could not be loaded (${error.message}); the form still works.`;
    }
    form.dataset.ready = "true";
    // Opened from a card, or given another card's link while open.
    window.addEventListener("hashchange", planLinked);
    await planLinked();
  }

  function planLinked() {
    if (!location.hash.startsWith("#request=")) return undefined;
    return makePlan(() => {
      const request = linkedRequest();
      fillForm(request);
      return request;
    }, "Plan of the booking in this link, filled into the form above");
  }

  // --- a link's request into the form -------------------------------------

  // Sets a control to a request's value; false when the control cannot show
  // it (an option it lacks, a time with an offset), which is then carried.
  function setControl(control, item) {
    if (item === undefined || item === null) {
      control.value = "";
      return true;
    }
    let shown;
    switch (control.dataset.kind) {
      case "boolean":
        shown = typeof item === "boolean" ? String(item) : null;
        break;
      case "list":
        shown = Array.isArray(item) && item.every((x) => typeof x === "string") ? item.join(" ") : null;
        break;
      case "number":
        shown = typeof item === "number" || typeof item === "string" ? String(item) : null;
        break;
      default:
        shown = typeof item === "string" ? item : null;
    }
    if (shown === null) return false;
    if (control.type === "datetime-local") {
      // The form's clock is the procedure's, without an offset or seconds.
      const local = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::00)?$/.exec(shown);
      if (!local) return false;
      shown = local[1];
    }
    if (control.tagName === "SELECT" && ![...control.options].some((o) => o.value === shown)) return false;
    control.value = shown;
    return true;
  }

  // Takes the value at a dotted path out of a request (so what is left is
  // what the form has no control for).
  function takeOut(request, path) {
    const keys = path.split(".");
    let node = request;
    for (const key of keys.slice(0, -1)) {
      if (!isObject(node[key])) return undefined;
      node = node[key];
    }
    const item = node[keys[keys.length - 1]];
    delete node[keys[keys.length - 1]];
    return item;
  }

  function pruned(request) {
    for (const [key, item] of Object.entries(request)) {
      if (isObject(item)) {
        pruned(item);
        if (!Object.keys(item).length) delete request[key];
      }
    }
    return request;
  }

  function paths(request, prefix = "") {
    return Object.entries(request).flatMap(([key, item]) =>
      isObject(item) && key !== "policy" ? paths(item, `${prefix}${key}.`) : [`${prefix}${key}`]);
  }

  function fillForm(request) {
    if (!isObject(request)) return;
    const rest = JSON.parse(JSON.stringify(request));
    for (const control of form.querySelectorAll("[data-field]")) {
      if (control.closest(".medicine")) continue;
      const item = takeOut(rest, control.dataset.field);
      if (!setControl(control, item)) put(rest, control.dataset.field, item);
    }
    const reasons = rest.patient && rest.patient.anticoagulation;
    reasonSelect.value = "";
    if (Array.isArray(reasons) && reasons.length === 1 && isObject(reasons[0])
        && [...reasonSelect.options].some((o) => o.value && o.value === reasons[0].reason)) {
      reasonSelect.value = reasons[0].reason;
      showReasonGroup();
      const left = { ...reasons[0] };
      delete left.reason;
      for (const control of reasonGroup().querySelectorAll("[data-reason]")) {
        const name = control.dataset.reason;
        if (setControl(control, left[name])) delete left[name];
      }
      if (Object.keys(left).length) rest.patient.anticoagulation = [{ reason: reasons[0].reason, ...left }];
      else delete rest.patient.anticoagulation;
    }
    showReasonGroup();
    if (Array.isArray(rest.medications)) {
      rowsBox.replaceChildren();
      // The link's medications[i] is row i, for the errors and questions that name it.
      sentRows = [];
      for (const medicine of rest.medications) {
        const row = addRow();
        sentRows.push(row);
        const left = isObject(medicine) ? { ...medicine } : {};
        for (const control of row.querySelectorAll("[data-field]")) {
          const name = control.dataset.field;
          if (setControl(control, left[name])) delete left[name];
        }
        row.dataset.extra = JSON.stringify(left);
      }
      if (!rest.medications.length) addRow();
      delete rest.medications;
    }
    carried = pruned(rest);
    const note = document.getElementById("link-note");
    const kept = paths(carried);
    note.hidden = !kept.length;
    note.textContent = kept.length
      ? `The link also gave ${kept.join(", ")}: not shown in the form, and sent with it when you plan again.` : "";
  }

  start();
}());
