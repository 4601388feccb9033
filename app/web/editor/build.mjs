// The web app's build, run by build_web.py (`npm run build`, after `npm ci`), into
// app/web/static/build/:
// - codemirror.js: the code editor (./codemirror.js and the CodeMirror packages it imports),
//   bundled into one minified ES module;
// - plotly-cartesian.min.js: Plotly's cartesian bundle (the trace types of every 2-D chart, a
//   third of the full plotly.min.js), copied from its npm package;
// - LICENSES.txt: the licence of every package in them.

import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "static", "build");
const modules = join(here, "..", "..", "..", "node_modules");
const PLOTLY = "plotly.js-cartesian-dist-min";
mkdirSync(outDir, { recursive: true });

const result = await build({
  entryPoints: [join(here, "codemirror.js")],
  outfile: join(outDir, "codemirror.js"),
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  legalComments: "none",  // the licences go to LICENSES.txt instead
  metafile: true,
  logLevel: "warning",
});

copyFileSync(join(modules, PLOTLY, "plotly-cartesian.min.js"), join(outDir, "plotly-cartesian.min.js"));

// One entry per package, with its licence text.
const bundled = Object.keys(result.metafile.inputs)
  .map((input) => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1])
  .filter(Boolean);
const packages = new Map();
for (const name of [...bundled, PLOTLY]) {
  if (packages.has(name)) continue;
  const root = join(modules, name);
  const meta = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const file = readdirSync(root).find((f) => /^licen[cs]e/i.test(f));
  packages.set(name, `${meta.name} ${meta.version} (${meta.license})\n\n${file ? readFileSync(join(root, file), "utf8").trim() : "(no licence file in the package)"}`);
}
const names = [...packages.keys()].sort();
writeFileSync(join(outDir, "LICENSES.txt"),
  `Third-party packages in codemirror.js and plotly-cartesian.min.js:\n\n${names.map((n) => packages.get(n)).join(`\n\n${"-".repeat(72)}\n\n`)}\n`);
console.log(`built ${outDir}: codemirror.js (${new Set(bundled).size} packages), plotly-cartesian.min.js`);
