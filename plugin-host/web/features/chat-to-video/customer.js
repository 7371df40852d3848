// Loads the WebAssembly module and mounts the customer page; everything else is Rust.
import init, { mountCustomerPage } from "./chat_to_video.js";

const root = document.getElementById("app");
try {
  await init();
  root.textContent = "";
  const page = mountCustomerPage(root);
  // Leaving the page leaves the call and stops the camera.
  addEventListener("pagehide", () => page.free(), { once: true });
} catch (err) {
  console.error(err);
  const message = document.createElement("p");
  message.className = "ctv-error";
  message.textContent =
    "This page could not start. Please open the link in a current version of Chrome, Edge, Firefox or Safari.";
  root.replaceChildren(message);
}
