// What the start-up benchmarks wait for, run in the page before it loads:
// the moment the first status is on screen, in window.__firstStatus.

/** The widget: its first status badge has a size. */
export const widgetProbe = () => {
  const look = () => {
    const badge = document.querySelector("[data-mlegitymacja]")?.shadowRoot?.querySelector(".mlg-badge");
    if (badge && badge.getBoundingClientRect().height > 0) window.__firstStatus = performance.now();
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
};

/** The plain-HTML floor: its status text is written. */
export const floorProbe = () => {
  const look = () => {
    const status = document.getElementById("status");
    if (status && status.textContent) window.__firstStatus = performance.now();
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
};
