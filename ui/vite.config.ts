// Vite builds the window's UI into ui/dist, which the Tauri shell embeds (frontendDist); no dev
// server is used. The CSP is `default-src 'self'`, so the build must emit only external JS and
// CSS files: no inline scripts, no inline style attributes, no remote content.
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  // Relative asset URLs: the webview loads index.html from Tauri's own protocol.
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // WebKitGTK 2.4x and newer: modern syntax is fine.
    target: "es2022",
    // Never inline small assets as data: URLs into CSS/JS; keeps every resource a plain file.
    assetsInlineLimit: 0,
    // One entry chunk and a modern WebKit: the module-preload polyfill would be dead code.
    modulePreload: { polyfill: false },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
  },
});
