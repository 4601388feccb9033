// Where the large scripts come from: /vendor/assets.json names the current, fingerprinted URLs
// of Plotly and of the code editor's bundle (null where the bundle was not built).

const WAIT_S = 120;  // while the server starts it answers 503 "starting": wait for it
const FALLBACK = { plotly: "/vendor/plotly.min.js", editor: null, editor_missing: "The code editor could not be located: a plain text box is used." };

let manifest;

async function load() {
  for (let waited = 0; waited <= WAIT_S; ) {
    let response;
    try {
      response = await fetch("/vendor/assets.json", { headers: { Accept: "application/json" } });
    } catch {
      return FALLBACK;
    }
    if (response.ok) return response.json();
    if (response.status !== 503) break;
    const pause = Number(response.headers.get("Retry-After")) || 1;
    await new Promise((resolve) => setTimeout(resolve, pause * 1000));
    waited += pause;
  }
  return FALLBACK;
}

/** {plotly, editor, editor_missing}, fetched once per page load. */
export function assets() {
  manifest ??= load();
  return manifest;
}
