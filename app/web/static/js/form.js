// A form generated from a demo's params JSON schema (pydantic's): sliders with the bounds,
// selects, checkbox groups, and a JSON box for anything else. Values round-trip the URL.

import { h, plainWords, uid } from "./dom.js";

const SLIDER_STEPS = 1000;

function resolve(root, node) {
  if (!node) return {};
  if (node.$ref) {
    const name = node.$ref.split("/").pop();
    return { ...resolve(root, (root.$defs || root.definitions || {})[name]), ...withoutRef(node) };
  }
  if (node.anyOf || node.oneOf) {
    const branches = (node.anyOf || node.oneOf).map((b) => resolve(root, b));
    const real = branches.filter((b) => b.type !== "null");
    const nullable = real.length < branches.length;
    if (real.length === 1) {
      const { anyOf, oneOf, ...rest } = node;
      return { ...real[0], ...rest, nullable };
    }
  }
  return node;
}

function withoutRef(node) {
  const { $ref, ...rest } = node;
  return rest;
}

function label(name, prop) {
  const words = name.replace(/_/g, " ");
  return prop.title && prop.title.toLowerCase() !== words ? prop.title : words.replace(/^./, (c) => c.toUpperCase());
}

function bounds(prop) {
  const lo = prop.minimum ?? (prop.exclusiveMinimum !== undefined ? prop.exclusiveMinimum : undefined);
  const hi = prop.maximum ?? (prop.exclusiveMaximum !== undefined ? prop.exclusiveMaximum : undefined);
  return [lo, hi];
}

function sliderScale(prop) {
  let [lo, hi] = bounds(prop);
  if (prop.exclusiveMinimum === 0 && prop.minimum === undefined) lo = Math.min(hi / 1e5, 1e-4);
  const log = lo > 0 && hi / lo >= 1000;
  return {
    toSlider: (v) => Math.round(SLIDER_STEPS * (log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo))),
    fromSlider: (s) => {
      const t = s / SLIDER_STEPS;
      const v = log ? lo * (hi / lo) ** t : lo + t * (hi - lo);
      return prop.type === "integer" ? Math.round(v) : Number(v.toPrecision(3));
    },
  };
}

function numberField(name, prop, id) {
  const [lo, hi] = bounds(prop);
  const number = h("input", { id, type: "number", name, step: prop.type === "integer" ? "1" : "any", min: lo !== undefined ? String(lo) : null, max: hi !== undefined ? String(hi) : null, placeholder: prop.nullable ? "auto" : null });
  const control = { el: number, read: () => (number.value === "" ? (prop.nullable ? null : prop.default) : Number(number.value)), write: (v) => { number.value = v ?? ""; } };
  const sliding = lo !== undefined && hi !== undefined && (hi - lo <= 1e5 || lo > 0 || prop.exclusiveMinimum === 0);
  if (!sliding || prop.nullable) return control;
  const scale = sliderScale(prop);
  const range = h("input", { type: "range", min: "0", max: String(SLIDER_STEPS), step: "1", "aria-label": `${label(name, prop)} slider`, tabindex: "-1" });
  range.addEventListener("input", () => { number.value = scale.fromSlider(Number(range.value)); });
  number.addEventListener("input", () => { if (number.value !== "") range.value = scale.toSlider(Number(number.value)); });
  return {
    el: h("div", { class: "slider" }, range, number),
    read: control.read,
    write: (v) => { number.value = v ?? ""; if (v !== null && v !== undefined) range.value = scale.toSlider(v); },
  };
}

function selectField(name, prop, id) {
  const select = h("select", { id, name }, prop.enum.map((v) => h("option", { value: String(v) }, String(v))));
  return { el: select, read: () => select.value, write: (v) => { select.value = v; } };
}

function checkboxField(name, prop, id) {
  const box = h("input", { id, type: "checkbox", name });
  return { el: h("div", {}, box), read: () => box.checked, write: (v) => { box.checked = Boolean(v); } };
}

function enumListField(name, items, id) {
  const boxes = items.enum.map((v) => h("input", { type: "checkbox", value: String(v), id: `${id}-${v}` }));
  return {
    el: h("div", { class: "checks", role: "group", "aria-labelledby": `${id}-label` }, boxes.map((b) => h("label", { for: b.id }, b, b.value))),
    read: () => boxes.filter((b) => b.checked).map((b) => b.value),
    write: (v) => boxes.forEach((b) => { b.checked = (v || []).includes(b.value); }),
  };
}

/** A list of objects keyed by an enum `name` (e.g. optimizers with their lr): one row each. */
function specListField(root, name, items, id) {
  const names = items.properties.name.enum;
  const others = Object.entries(items.properties).filter(([k]) => k !== "name");
  const rows = names.map((n) => {
    const box = h("input", { type: "checkbox", id: `${id}-${n}`, value: n });
    const inputs = others.map(([k, sub]) => {
      const prop = resolve(root, sub);
      const input = h("input", { type: "number", step: "any", placeholder: prop.nullable ? "auto" : "", "aria-label": `${n} ${label(k, prop)}` });
      return { key: k, prop, input };
    });
    return { n, box, inputs, el: h("div", { class: "spec-row" }, h("label", { for: box.id }, box, n), inputs.map((i) => i.input)) };
  });
  const head = others.length ? h("p", { class: "small muted", style: "margin:0" }, `Tick to include; ${others.map(([k, sub]) => `${label(k, resolve(root, sub))}${resolve(root, sub).nullable ? " (blank = auto)" : ""}`).join(", ")}`) : null;
  return {
    el: h("div", { role: "group", "aria-labelledby": `${id}-label` }, head, rows.map((r) => r.el)),
    read: () => rows.filter((r) => r.box.checked).map((r) => {
      const out = { name: r.n };
      for (const i of r.inputs) {
        if (i.input.value !== "") out[i.key] = Number(i.input.value);
        else if (i.prop.nullable) out[i.key] = null;  // same shape as the defaults
      }
      return out;
    }),
    write: (v) => rows.forEach((r) => {
      const item = (v || []).find((x) => x.name === r.n);
      r.box.checked = Boolean(item);
      r.inputs.forEach((i) => { i.input.value = item && item[i.key] != null ? item[i.key] : ""; });
    }),
  };
}

function tupleField(name, prop, id) {
  const inputs = prop.prefixItems.map((_, i) => h("input", { type: "number", step: "any", placeholder: prop.nullable ? "default" : "", "aria-label": `${name} ${i + 1}`, id: i === 0 ? id : null, style: "width:7rem" }));
  return {
    el: h("div", { class: "row" }, inputs),
    read: () => (inputs.every((i) => i.value === "") && prop.nullable ? null : inputs.map((i) => Number(i.value || 0))),
    write: (v) => inputs.forEach((i, k) => { i.value = v ? v[k] : ""; }),
  };
}

function jsonField(name, prop, id) {
  const area = h("textarea", { id, rows: "3", class: "code", style: "min-height:4rem" });
  return {
    el: area,
    read: () => { try { return area.value.trim() ? JSON.parse(area.value) : null; } catch { return area.value; } },
    write: (v) => { area.value = v === undefined || v === null ? "" : JSON.stringify(v); },
  };
}

function control(root, name, prop, id) {
  const items = prop.type === "array" ? resolve(root, prop.items) : null;
  if (prop.enum) return { kind: "scalar", ...selectField(name, prop, id) };
  if (prop.type === "boolean") return { kind: "bool", ...checkboxField(name, prop, id) };
  if (prop.type === "number" || prop.type === "integer") return { kind: "number", ...numberField(name, prop, id) };
  if (prop.type === "array" && prop.prefixItems) return { kind: "json", ...tupleField(name, prop, id) };
  if (items && items.enum) return { kind: "json", group: true, ...enumListField(name, items, id) };
  if (items && items.properties?.name?.enum) return { kind: "json", group: true, ...specListField(root, name, items, id) };
  if (prop.type === "string") {
    const input = h("input", { id, type: "text", name });
    return { kind: "scalar", el: input, read: () => input.value, write: (v) => { input.value = v ?? ""; } };
  }
  return { kind: "json", ...jsonField(name, prop, id) };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Build the form; `skip` names fields left out (e.g. the custom-code object). */
export function schemaForm(schema, { skip = [] } = {}) {
  const fields = [];
  for (const [name, raw] of Object.entries(schema.properties || {})) {
    if (skip.includes(name)) continue;
    const prop = resolve(schema, raw);
    const id = uid(`p-${name}`);
    const ctl = control(schema, name, prop, id);
    const help = prop.description ? h("span", { class: "help", id: `${id}-help` }, plainWords(prop.description)) : null;
    const [lo, hi] = bounds(prop);
    const range = lo !== undefined && hi !== undefined ? h("span", { class: "help", id: `${id}-range` }, `${lo} … ${hi}`) : null;
    const title = ctl.group ? h("span", { id: `${id}-label`, style: "font-weight:600" }, label(name, prop)) : h("label", { for: id }, label(name, prop));
    const wrap = h("div", { class: "field", dataset: { param: name } }, h("div", { class: "spread" }, title, range), ctl.el, help);
    const described = [range && `${id}-range`, help && `${id}-help`].filter(Boolean).join(" ");
    if (described) wrap.querySelector(`#${CSS.escape(id)}`)?.setAttribute("aria-describedby", described);
    fields.push({ name, prop, ctl, wrap, default: prop.default });
  }
  const api = {
    el: h("div", {}, fields.map((f) => f.wrap)),
    /** Only the values that differ from the defaults. */
    read() {
      const out = {};
      for (const f of fields) {
        const v = f.ctl.read();
        if (!same(v, f.default)) out[f.name] = v;
      }
      return out;
    },
    write(values) {
      for (const f of fields) f.ctl.write(f.name in values ? values[f.name] : f.default);
    },
    toQuery(values) {
      const q = new URLSearchParams();
      for (const f of fields) {
        if (!(f.name in values)) continue;
        const v = values[f.name];
        q.set(f.name, f.ctl.kind === "json" ? JSON.stringify(v) : String(v));
      }
      return q;
    },
    fromQuery(query) {
      const out = {};
      for (const f of fields) {
        const raw = query.get(f.name);
        if (raw === null) continue;
        try {
          out[f.name] = f.ctl.kind === "number" ? (raw === "null" ? null : Number(raw))
            : f.ctl.kind === "bool" ? raw === "true" : f.ctl.kind === "json" ? JSON.parse(raw) : raw;
        } catch {
          // a hand-edited URL with a broken value: keep the default
        }
      }
      return out;
    },
    markErrors(errors) {
      fields.forEach((f) => f.wrap.querySelectorAll("input, select, textarea").forEach((el) => el.removeAttribute("aria-invalid")));
      for (const e of errors || []) {
        const name = (e.loc || []).find((p) => fields.some((f) => f.name === p));
        fields.find((f) => f.name === name)?.wrap.querySelectorAll("input, select, textarea").forEach((el) => el.setAttribute("aria-invalid", "true"));
      }
    },
  };
  return api;
}
