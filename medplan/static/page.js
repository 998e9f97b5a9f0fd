// The pharmacist's page (medplan/page.py): the form becomes a request for
// POST /v1/plan, and the answer a table, the patient's calendar and an
// iCalendar file. No framework and no build step. Text is only ever written
// as text (never as HTML), which the page's Content-Security-Policy enforces.
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

  const form = document.getElementById("plan-form");
  const rowsBox = document.getElementById("medicine-rows");
  const errorSummary = document.getElementById("error-summary");
  const errorList = document.getElementById("error-list");
  const status = document.getElementById("form-status");
  const result = document.getElementById("result");
  const handout = document.getElementById("handout");
  const download = document.getElementById("download-ics");
  let rowCounter = 0;
  let sentRows = []; // the medicine rows in the order the request lists them
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

  function labelFor(input) {
    const label = document.querySelector(`label[for="${input.id}"]`);
    if (!label) return input.id;
    const copy = label.cloneNode(true);
    copy.querySelectorAll(".optional").forEach((node) => node.remove());
    const name = copy.textContent.trim();
    const row = input.closest(".medicine");
    return row ? `${row.querySelector("legend").textContent}: ${name}` : name;
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
        request.medications.push(medicine);
        sentRows.push(row);
      }
    }
    // Now, if not given: the service plans as of its own clock, and says so.
    return request;
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
    for (const node of form.querySelectorAll(".field-error")) node.remove();
    for (const control of form.querySelectorAll("[aria-invalid]")) {
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
    document.getElementById("no-review").hidden = !review.hidden;

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
  // made() says in the status line what was planned.
  async function makePlan(request, made) {
    if (busy) return;
    busy = true;
    form.setAttribute("aria-busy", "true");
    // An earlier plan must never stay on screen beside a new request's error.
    result.hidden = true;
    handout.hidden = true;
    clearErrors();
    status.textContent = "Making the plan\u2026";
    try {
      const body = request();
      const answer = await post("v1/plan", body);
      if (!answer.ok) {
        showError(await errorOf(answer));
        status.textContent = "";
        return;
      }
      const plan = await answer.json();
      const [calendar, ics] = await Promise.all([post("v1/calendar", body), post("v1/ics", body)]);
      renderPlan(plan);
      await renderHandout(calendar, ics);
      result.hidden = false;
      handout.hidden = false;
      status.textContent = `${made}${plan.needs_review ? ": it needs pharmacist review." : "."}`;
      document.getElementById("result-title").focus();
    } catch (error) {
      showError({ field: null, problem: error.linked ? error.message : `the service could not be reached (${error.message})` });
      status.textContent = "";
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
  // #request= (base64url JSON, medplan.cds.page_link): in the fragment, which
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
    return makePlan(linkedRequest, "Plan of the booking in this link (the form above is not filled in)");
  }

  start();
}());
