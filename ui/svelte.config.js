// Svelte compiler options shared by Vite and svelte-check.
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

export default {
  // TypeScript in <script lang="ts">.
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Runes everywhere: no legacy reactivity.
    runes: true,
  },
};
