// Entry point: mounts the app. Global styles are a plain CSS file so Vite emits them as an
// external stylesheet (the CSP allows no inline styles).
import "./styles/app.css";
import { mount } from "svelte";
import App from "./App.svelte";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

export default mount(App, { target });
