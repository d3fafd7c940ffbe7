// A desktop SPA: no server rendering, no prerendering; Tauri serves the fallback page.
export const ssr = false;
export const prerender = false;
